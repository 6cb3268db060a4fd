package core

import "time"

// SkyWalkingConfig holds the settings of the SkyWalking reporters beyond the shared queue
// knobs: the gRPC backend and its TLS and authentication, and the management calls (instance
// properties at start, then keepAlive) that both the gRPC and the HTTP reporter make. The
// variable names and defaults are SkyWalking Go's (tools/go-agent/config/agent.default.yaml).
type SkyWalkingConfig struct {
	// GRPCBackend is SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE, host:port. Setting it makes "grpc"
	// the default reporter type; the grpc reporter uses 127.0.0.1:11800 when it is unset.
	GRPCBackend string
	// Authentication is SW_AGENT_REPORTER_GRPC_AUTHENTICATION, sent as the "authentication"
	// metadata of every gRPC call (the OAP's receiver-sharing-server authentication token).
	Authentication string
	// CheckInterval is SW_AGENT_REPORTER_CHECK_INTERVAL (older SkyWalking Go:
	// SW_AGENT_REPORTER_GRPC_CHECK_INTERVAL): seconds between keepAlive calls; default 20.
	// A negative value ("-1") turns management off.
	CheckInterval time.Duration
	ManagementOff bool

	TLSEnable              bool   // SW_AGENT_REPORTER_GRPC_TLS_ENABLE
	TLSCAPath              string // SW_AGENT_REPORTER_GRPC_TLS_CA_PATH: PEM CA bundle; default: the system roots
	TLSClientKeyPath       string // SW_AGENT_REPORTER_GRPC_TLS_CLIENT_KEY_PATH (mTLS)
	TLSClientCertChainPath string // SW_AGENT_REPORTER_GRPC_TLS_CLIENT_CERT_CHAIN_PATH (mTLS)
	TLSInsecureSkipVerify  bool   // SW_AGENT_REPORTER_GRPC_TLS_INSECURE_SKIP_VERIFY

	// Discard is SW_AGENT_REPORTER_DISCARD: report nothing (reporter type "none") unless
	// SW_AGENT_REPORTER_TYPE says otherwise.
	Discard bool
}

// DefaultGRPCBackend is SkyWalking's default OAP gRPC address.
const DefaultGRPCBackend = "127.0.0.1:11800"

func defaultSkyWalkingConfig() SkyWalkingConfig {
	return SkyWalkingConfig{CheckInterval: 20 * time.Second}
}

func (c *SkyWalkingConfig) load(s *settings, cfg *Config) {
	s.text("SW_AGENT_REPORTER_GRPC_BACKEND_SERVICE", &c.GRPCBackend)
	s.text("SW_AGENT_REPORTER_GRPC_AUTHENTICATION", &c.Authentication)
	for _, key := range []string{"SW_AGENT_REPORTER_GRPC_CHECK_INTERVAL", "SW_AGENT_REPORTER_CHECK_INTERVAL"} {
		if v, ok := s.lookup(key); ok && len(v) > 0 && v[0] == '-' {
			c.ManagementOff = true
			continue
		}
		s.durationIn(key, time.Second, &c.CheckInterval)
	}
	s.boolean("SW_AGENT_REPORTER_GRPC_TLS_ENABLE", &c.TLSEnable)
	s.text("SW_AGENT_REPORTER_GRPC_TLS_CA_PATH", &c.TLSCAPath)
	s.text("SW_AGENT_REPORTER_GRPC_TLS_CLIENT_KEY_PATH", &c.TLSClientKeyPath)
	s.text("SW_AGENT_REPORTER_GRPC_TLS_CLIENT_CERT_CHAIN_PATH", &c.TLSClientCertChainPath)
	s.boolean("SW_AGENT_REPORTER_GRPC_TLS_INSECURE_SKIP_VERIFY", &c.TLSInsecureSkipVerify)
	s.boolean("SW_AGENT_REPORTER_DISCARD", &c.Discard)
	// SkyWalking Go's queue variable; skywago's own SW_AGENT_REPORTER_MAX_SEND_QUEUE_SIZE wins.
	if _, own := s.lookup("SW_AGENT_REPORTER_MAX_SEND_QUEUE_SIZE"); !own {
		s.integer("SW_AGENT_REPORTER_GRPC_MAX_SEND_QUEUE", 1, &cfg.MaxSendQueueSize)
	}
}
