package core

import (
	"net"
	"os"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// management makes SkyWalking's management calls for the gRPC and the HTTP reporter: the
// instance's properties (retried until the OAP takes them, and again after any failed call: the
// OAP may have restarted), then a keepAlive every check interval, so that every service and
// instance is listed in the OAP with its properties, client-only ones too.
//
// It runs on a self-re-arming time.AfterFunc timer, never on a parked goroutine: between calls
// the agent has no goroutine of its own. Each call is bounded by the send timeout.
type management struct {
	call     func(m managementCall, deadline time.Time) error // the protocol's delivery
	interval time.Duration
	timeout  time.Duration
	gls      GLS
	warn     func(string)

	service, instance string
	props             []Tag

	rounds sync.Mutex // held for a round of calls: the exit flush waits for one under way

	mu       sync.Mutex
	timer    *time.Timer
	closed   bool
	reported bool // the properties were accepted
	failing  bool // the last call failed (announced once per outage)
}

// managementCall is one message of SkyWalking's ManagementService.
type managementCall struct {
	keepAlive  bool // InstancePingPkg; else InstanceProperties
	service    string
	instance   string
	properties []Tag // InstanceProperties only
}

// startManagement schedules the first calls at once (on the timer's goroutine, not the
// caller's); nil when management is off.
func startManagement(cfg Config, call func(managementCall, time.Time) error, warn func(string)) *management {
	if cfg.SkyWalking.ManagementOff || cfg.SkyWalking.CheckInterval <= 0 {
		return nil
	}
	m := &management{call: call, interval: cfg.SkyWalking.CheckInterval, timeout: cfg.SendTimeout,
		gls: currentTracer().gls, warn: warn,
		service: cfg.ServiceName, instance: cfg.InstanceName, props: instanceProperties()}
	m.mu.Lock()
	m.timer = time.AfterFunc(0, m.tick)
	m.mu.Unlock()
	return m
}

// tick is the timer's round of calls; it re-arms the timer.
func (m *management) tick() {
	suppressGoroutine(m.gls)
	if !m.round(false) {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.closed {
		m.timer.Reset(m.interval)
	}
}

// round makes one round of calls (the properties unless already reported, then a keepAlive)
// and records the outcome. With onlyUnreported it does nothing once the properties were
// reported or while the backend is known to be down. It returns false, doing nothing, after
// close.
func (m *management) round(onlyUnreported bool) bool {
	m.rounds.Lock()
	defer m.rounds.Unlock()
	m.mu.Lock()
	if m.closed || (onlyUnreported && (m.reported || m.failing)) {
		m.mu.Unlock()
		return !m.closed
	}
	reported := m.reported
	m.mu.Unlock()
	var err error
	if !reported {
		err = m.call(managementCall{service: m.service, instance: m.instance, properties: m.props}, time.Now().Add(m.timeout))
		reported = err == nil
	}
	if reported {
		err = m.call(managementCall{keepAlive: true, service: m.service, instance: m.instance}, time.Now().Add(m.timeout))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// After a failure the OAP may have restarted and lost them: report the properties again.
	m.reported = reported && err == nil
	if err != nil && !m.failing {
		m.warn("cannot report the instance to the backend (will retry every " + m.interval.String() + "): " + err.Error())
	}
	m.failing = err != nil
	return true
}

// flush is the exit flush's part (Flush): a process that ends before its first round of calls
// completed — a short-lived client-only program, which the OAP lists only from these calls,
// having no Entry span — still reports its instance. It waits for a round under way, then
// makes one itself unless the properties were reported or the backend is known to be down;
// never past deadline (a call left running ends with the process or at the send timeout).
func (m *management) flush(deadline time.Time) {
	if m == nil {
		return
	}
	done := make(chan struct{})
	go func() { // on a goroutine of its own: the caller's must not be suppressed
		defer close(done)
		suppressGoroutine(m.gls)
		m.round(true) // after a round under way, if any
	}()
	wait := time.NewTimer(time.Until(deadline))
	defer wait.Stop()
	select {
	case <-done:
	case <-wait.C:
	}
}

// close (after the final flush) stops the timer; a call under way finishes on its own, bounded
// by the send timeout.
func (m *management) close() {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.closed = true
	m.timer.Stop()
	m.mu.Unlock()
}

// instanceProperties are the properties SkyWalking's Go agent reports for an instance, with
// its key names: "Process No.", "hostname", "language" (go), "OS Name" (GOOS), and one "ipv4"
// per non-loopback IPv4 address.
func instanceProperties() []Tag {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "unknown"
	}
	props := []Tag{
		{"Process No.", strconv.Itoa(os.Getpid())},
		{"hostname", host},
		{"language", "go"},
		{"OS Name", runtime.GOOS},
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if ipNet, ok := a.(*net.IPNet); ok && !ipNet.IP.IsLoopback() {
				if ip4 := ipNet.IP.To4(); ip4 != nil {
					props = append(props, Tag{"ipv4", ip4.String()})
				}
			}
		}
	}
	return props
}
