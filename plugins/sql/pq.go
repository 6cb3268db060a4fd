// Advice compiled inside github.com/lib/pq: its connector (pq.NewConnector, and the one made for
// sql.Open("postgres", dsn), which database/sql wraps without asking pq for a connector) tells
// database/sql (plugins/sql/database_sql.go) which server and database it connects to. Reading
// the parsed settings differs by version: pq_values.go (before v1.11.0), pq_config.go (since).
package pq

import (
	"strconv"
	"strings"
)

// PostgreSQL (22) in SkyWalking's component-libraries.yml, as for pgx.
const skywagoComponentPostgreSQL = 22

type skywagoDBInfo struct {
	peer     string
	instance string
}

func skywagoNewConnectorBefore(inv *skywagoInvocation, dsn *string, c **Connector, err *error) {
}

func skywagoNewConnectorAfter(inv *skywagoInvocation, dsn *string, c **Connector, err *error) {
	if *c != nil && (*c).skywagoInfo == nil {
		(*c).skywagoInfo = skywagoInfoOf(*c)
	}
}

// SkywagoDBInfo is what database/sql's advice asks a connector (one made before the agent
// started has no snapshot: look it up now).
func (c *Connector) SkywagoDBInfo() (dbType string, componentID int32, peer, instance string) {
	info := c.skywagoInfo
	if info == nil {
		info = skywagoInfoOf(c)
	}
	if info == nil || info.peer == "" {
		return "", 0, "", ""
	}
	return "PostgreSQL", skywagoComponentPostgreSQL, info.peer, info.instance
}

// SkywagoDSNInfo is what database/sql's advice asks the driver of a *sql.DB opened with
// sql.Open("postgres", dsn): the settings pq would connect with (defaults and PG* environment
// variables included), parsed once per *sql.DB.
func (d Driver) SkywagoDSNInfo(dsn string) (dbType string, componentID int32, peer, instance string) {
	c, err := NewConnector(dsn)
	if err != nil || c == nil {
		return "", 0, "", ""
	}
	return c.SkywagoDBInfo()
}

// skywagoPeer is host:port for each host (pq takes a comma-separated list), or the socket's
// path for a unix socket directory.
func skywagoPeer(hosts, port string) string {
	var peers []string
	for _, host := range strings.Split(hosts, ",") {
		switch {
		case host == "":
			continue
		case strings.HasPrefix(host, "/"):
			peers = append(peers, strings.TrimSuffix(host, "/")+"/.s.PGSQL."+port)
		case strings.Contains(host, ":") && !strings.HasPrefix(host, "["): // IPv6
			peers = append(peers, "["+host+"]:"+port)
		default:
			peers = append(peers, host+":"+port)
		}
	}
	return strings.Join(peers, ",")
}

func skywagoPort(port uint16) string {
	return strconv.Itoa(int(port))
}
