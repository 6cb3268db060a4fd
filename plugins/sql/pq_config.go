// lib/pq v1.11.0 and later: the connector keeps its settings as a Config.
package pq

func skywagoInfoOf(c *Connector) *skywagoDBInfo {
	if c == nil {
		return nil
	}
	return &skywagoDBInfo{peer: skywagoPeer(c.cfg.Host, skywagoPort(c.cfg.Port)), instance: c.cfg.Database}
}
