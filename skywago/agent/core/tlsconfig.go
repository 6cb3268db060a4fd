package core

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
)

// tlsFiles are the TLS settings of a reporter (SkyWalking's SW_AGENT_REPORTER_GRPC_TLS_*; the
// OTLP exporter's OTEL_EXPORTER_OTLP_CERTIFICATE etc. map onto the same).
type tlsFiles struct {
	caPath             string // PEM bundle of trusted CAs; "": the system roots
	certChainPath      string // client certificate chain (mTLS), with keyPath
	keyPath            string
	insecureSkipVerify bool
}

// config builds the *tls.Config; unreadable or malformed files are errors (the reporter then
// does not start, with one warning).
func (f tlsFiles) config() (*tls.Config, error) {
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: f.insecureSkipVerify}
	if f.caPath != "" {
		pem, err := os.ReadFile(f.caPath)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("no PEM certificate in " + f.caPath)
		}
		cfg.RootCAs = pool
	}
	if (f.certChainPath == "") != (f.keyPath == "") {
		return nil, errors.New("a client certificate needs both the certificate chain and the key")
	}
	if f.certChainPath != "" {
		cert, err := tls.LoadX509KeyPair(f.certChainPath, f.keyPath)
		if err != nil {
			return nil, err
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}
