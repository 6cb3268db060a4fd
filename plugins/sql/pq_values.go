// lib/pq before v1.11.0: the connector keeps its settings as a map of libpq's keywords.
package pq

func skywagoInfoOf(c *Connector) *skywagoDBInfo {
	if c == nil {
		return nil
	}
	return &skywagoDBInfo{peer: skywagoPeer(c.opts["host"], c.opts["port"]), instance: c.opts["dbname"]}
}
