// pgx v5.0.0 - v5.5.x: a Batch's statements are unexported fields.
package pgx

func skywagoBatchStatements(b *Batch) []string {
	statements := make([]string, 0, len(b.queuedQueries))
	for _, q := range b.queuedQueries {
		statements = append(statements, q.query)
	}
	return statements
}
