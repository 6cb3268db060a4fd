// pgx v5.6.0 and later: a Batch's statements are exported (QueuedQueries).
package pgx

func skywagoBatchStatements(b *Batch) []string {
	statements := make([]string, 0, len(b.QueuedQueries))
	for _, q := range b.QueuedQueries {
		statements = append(statements, q.SQL)
	}
	return statements
}
