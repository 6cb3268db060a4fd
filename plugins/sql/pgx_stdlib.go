// Advice compiled inside github.com/jackc/pgx/v5/stdlib: its connectors tell database/sql
// (plugins/sql/database_sql.go) which server and database they connect to.
package stdlib

import (
	"database/sql/driver"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// PostgreSQL (22) in SkyWalking's component-libraries.yml: the id SkyWalking Go's pgx plugin
// reports; the library list has no Go-specific PostgreSQL id.
const skywagoComponentPostgreSQL = 22

type skywagoDBInfo struct {
	peer     string
	instance string
}

// sql.Open("pgx", name): the name is a connection string or a key of RegisterConnConfig. The
// identity is taken when the connector is made, because a registered config may be unregistered
// after Open while the *sql.DB keeps connecting with it.
func skywagoOpenConnectorBefore(inv *skywagoInvocation, d *Driver, name *string, c *driver.Connector, err *error) {
}

func skywagoOpenConnectorAfter(inv *skywagoInvocation, d *Driver, name *string, c *driver.Connector, err *error) {
	if dc, ok := (*c).(*driverConnector); ok && dc != nil && dc.skywagoInfo == nil {
		dc.skywagoInfo = skywagoInfoForName(d, *name)
	}
}

// SkywagoDBInfo is what database/sql's advice asks a connector (the connector made before the
// agent started has no snapshot: look it up now).
func (dc *driverConnector) SkywagoDBInfo() (dbType string, componentID int32, peer, instance string) {
	info := dc.skywagoInfo
	if info == nil {
		info = skywagoInfoForName(dc.driver, dc.name)
	}
	if info == nil {
		return "", 0, "", ""
	}
	return "PostgreSQL", skywagoComponentPostgreSQL, info.peer, info.instance
}

// stdlib.OpenDB(config) / GetConnector(config): the config is in the connector itself. (A
// connector over a *pgxpool.Pool has no config of its own: no spans.)
func (c connector) SkywagoDBInfo() (dbType string, componentID int32, peer, instance string) {
	info := skywagoInfoForConfig(&c.ConnConfig)
	if info == nil {
		return "", 0, "", ""
	}
	return "PostgreSQL", skywagoComponentPostgreSQL, info.peer, info.instance
}

func skywagoInfoForName(d *Driver, name string) *skywagoDBInfo {
	var cfg *pgx.ConnConfig
	if d != nil {
		d.configMutex.Lock()
		cfg = d.configs[name]
		d.configMutex.Unlock()
	}
	if cfg == nil {
		parsed, err := pgx.ParseConfig(name)
		if err != nil {
			return nil
		}
		cfg = parsed
	}
	return skywagoInfoForConfig(cfg)
}

// The peer is host:port of the primary server, then of each fallback (pgx's other hosts, or the
// same host without TLS for sslmode=prefer), comma-separated, without repeats — as SkyWalking Go.
func skywagoInfoForConfig(cfg *pgx.ConnConfig) *skywagoDBInfo {
	if cfg == nil || cfg.Host == "" {
		return nil
	}
	peers := []string{skywagoAddress(cfg.Host, cfg.Port)}
	for _, fallback := range cfg.Fallbacks {
		if fallback == nil || fallback.Host == "" {
			continue
		}
		address := skywagoAddress(fallback.Host, fallback.Port)
		seen := false
		for _, p := range peers {
			seen = seen || p == address
		}
		if !seen {
			peers = append(peers, address)
		}
	}
	return &skywagoDBInfo{peer: strings.Join(peers, ","), instance: cfg.Database}
}

func skywagoAddress(host string, port uint16) string {
	p := strconv.Itoa(int(port))
	switch {
	case strings.HasPrefix(host, "/"): // a unix socket directory
		return strings.TrimSuffix(host, "/") + "/.s.PGSQL." + p
	case strings.Contains(host, ":") && !strings.HasPrefix(host, "["): // IPv6
		return "[" + host + "]:" + p
	}
	return host + ":" + p
}
