// Advice compiled inside github.com/go-sql-driver/mysql: its connector tells database/sql
// (plugins/sql/database_sql.go) which server and database it connects to.
package mysql

import "database/sql/driver"

// GoMysql (5012) in SkyWalking's component-libraries.yml, as SkyWalking Go's mysql plugin.
const skywagoComponentGoMysql = 5012

type skywagoDBInfo struct {
	peer     string
	instance string
}

// sql.Open("mysql", dsn) and mysql.NewConnector(cfg) make the connector: take its identity
// there, once (the Config is the connector's immutable copy, normalised: Addr is host:port, or
// the socket path for a unix connection).
func skywagoOpenConnectorBefore(inv *skywagoInvocation, d MySQLDriver, dsn *string, c *driver.Connector, err *error) {
}

func skywagoOpenConnectorAfter(inv *skywagoInvocation, d MySQLDriver, dsn *string, c *driver.Connector, err *error) {
	skywagoSnapshot(*c)
}

func skywagoNewConnectorBefore(inv *skywagoInvocation, cfg **Config, c *driver.Connector, err *error) {
}

func skywagoNewConnectorAfter(inv *skywagoInvocation, cfg **Config, c *driver.Connector, err *error) {
	skywagoSnapshot(*c)
}

func skywagoSnapshot(c driver.Connector) {
	if mc, ok := c.(*connector); ok && mc != nil && mc.skywagoInfo == nil {
		mc.skywagoInfo = skywagoInfoForConfig(mc.cfg)
	}
}

// SkywagoDBInfo is what database/sql's advice asks a connector (one made before the agent
// started has no snapshot: look it up now).
func (c *connector) SkywagoDBInfo() (dbType string, componentID int32, peer, instance string) {
	info := c.skywagoInfo
	if info == nil {
		info = skywagoInfoForConfig(c.cfg)
	}
	if info == nil {
		return "", 0, "", ""
	}
	return "Mysql", skywagoComponentGoMysql, info.peer, info.instance
}

func skywagoInfoForConfig(cfg *Config) *skywagoDBInfo {
	if cfg == nil || cfg.Addr == "" {
		return nil
	}
	return &skywagoDBInfo{peer: cfg.Addr, instance: cfg.DBName}
}
