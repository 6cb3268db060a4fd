package core

import (
	"strconv"
	"strings"
)

// The one mapping from SkyWalking's span model (kind, layer, component id, tag keys) to
// OpenTelemetry's semantic conventions, used by every OpenTelemetry-world exporter (OTLP, Zipkin).
// Plugins set SkyWalking's tag keys (docs/PLUGINS.md); what OTLP and Zipkin receive is decided
// here, in one place, for every plugin. Unknown tag keys pass through unchanged.
//
// Conventions followed (semantic-conventions 1.3x; RPC per its current release candidate):
//   - HTTP: http.request.method, url.full (client), url.scheme/url.path/url.query (server),
//     http.route, http.response.status_code, server.address/server.port, error.type; span
//     name "{method} {route}" (server) or "{method}" (client); a server's 4xx is not an error.
//   - RPC (gRPC): rpc.system.name, rpc.method ("pkg.Service/Method"), rpc.response.status_code.
//   - Database: db.system.name, db.namespace, db.query.text, db.operation.name, server.*.
//   - Redis (SkyWalking's cache.*): db.system.name=redis, db.operation.name, db.query.text
//     ("GET key": the command and key, never the values).
//   - Messaging (mq.*): messaging.system, messaging.destination.name,
//     messaging.operation.type (send / process), server.*; PRODUCER / CONSUMER span kinds.
//   - AWS SDK (aws.*, on top of the layer's mapping): rpc.system=aws-api, rpc.service,
//     rpc.method, cloud.region, aws.s3.bucket; span name "Service.Operation" (messaging spans
//     keep theirs). SQS (mq.queue = the queue URL): messaging.destination.name is the queue's
//     name, aws.sqs.queue.url the URL.

// otelKind is OTLP's SpanKind numbering.
type otelKind uint8

const (
	kindInternal otelKind = 1
	kindServer   otelKind = 2
	kindClient   otelKind = 3
	kindProducer otelKind = 4
	kindConsumer otelKind = 5
)

// otelAttr is one attribute: a string, or an integer when isInt.
type otelAttr struct {
	key   string
	str   string
	num   int64
	isInt bool
}

type otelEvent struct {
	timeNanos int64
	name      string
	attrs     []otelAttr
}

// otelSpan is a span as the OpenTelemetry world names it. The exporters fill one per span and
// reuse it (slices keep their capacity).
type otelSpan struct {
	name          string
	kind          otelKind
	attrs         []otelAttr
	isError       bool
	statusMessage string
	events        []otelEvent
	peerHost      string // the remote endpoint of CLIENT / PRODUCER spans
	peerPort      int64
}

func (o *otelSpan) setStr(key, value string) {
	for i := range o.attrs {
		if o.attrs[i].key == key {
			o.attrs[i] = otelAttr{key: key, str: value}
			return
		}
	}
	o.attrs = append(o.attrs, otelAttr{key: key, str: value})
}

func (o *otelSpan) setInt(key string, value int64) {
	for i := range o.attrs {
		if o.attrs[i].key == key {
			o.attrs[i] = otelAttr{key: key, num: value, isInt: true}
			return
		}
	}
	o.attrs = append(o.attrs, otelAttr{key: key, num: value, isInt: true})
}

func (o *otelSpan) rename(from, to string) {
	for i := range o.attrs {
		if o.attrs[i].key == from {
			o.attrs[i].key = to
			return
		}
	}
}

func (o *otelSpan) get(key string) (string, bool) {
	for _, a := range o.attrs {
		if a.key == key && !a.isInt {
			return a.str, true
		}
	}
	return "", false
}

// componentInfo is what the mapping knows about a SkyWalking component id.
type componentInfo struct {
	name string // SkyWalking's name, from component-libraries.yml
	// system: rpc.system.name for RPC frameworks, messaging.system for MQ clients,
	// db.system.name for databases whose plugin sets no db.type.
	system string
	// rawPath: an HTTP server component whose own spans are named "METHOD:/the/raw/path"
	// (net/http's, fasthttp's). Routers built on them (chi, httprouter, go-restful, fiber) keep
	// the component and rename the span after the route: http.route is set when the operation's
	// target differs from the request's path, or for a router's own component; never made up.
	rawPath bool
}

// components lists the component ids skywago's plugins use (a test checks every plugin's).
// A plugin that adds an id adds it here.
var components = map[int32]componentInfo{
	3:    {name: "Dubbo", system: "apache_dubbo"},
	5:    {name: "Mysql", system: "mysql"},
	7:    {name: "Redis", system: "redis"},
	9:    {name: "MongoDB", system: "mongodb"},
	22:   {name: "PostgreSQL", system: "postgresql"},
	23:   {name: "gRPC", system: "grpc"},
	38:   {name: "rocketMQ-producer", system: "rocketmq"},
	39:   {name: "rocketMQ-consumer", system: "rocketmq"},
	40:   {name: "kafka-producer", system: "kafka"},
	41:   {name: "kafka-consumer", system: "kafka"},
	42:   {name: "mongodb-driver", system: "mongodb"},
	47:   {name: "Elasticsearch", system: "elasticsearch"},
	49:   {name: "http"}, // SkyWalking's generic HTTP client (the S3 plugin's: S3 has no component)
	52:   {name: "rabbitmq-producer", system: "rabbitmq"},
	53:   {name: "rabbitmq-consumer", system: "rabbitmq"},
	73:   {name: "pulsar-producer", system: "pulsar"},
	74:   {name: "pulsar-consumer", system: "pulsar"},
	86:   {name: "Mariadb", system: "mariadb"},
	92:   {name: "GraphQL"},
	132:  {name: "NATS", system: "nats"},
	138:  {name: "AWSDynamoDB", system: "aws.dynamodb"},
	139:  {name: "AWSSNS", system: "aws_sns"},
	140:  {name: "AWSSQS", system: "aws_sqs"},
	5004: {name: "GoHttpServer", rawPath: true},
	5005: {name: "GoHttpClient"},
	5006: {name: "Gin"},
	5008: {name: "GoMicroClient", system: "go_micro"},
	5009: {name: "GoMicroServer", system: "go_micro"},
	5010: {name: "Kratos"},
	5021: {name: "FastHttp", rawPath: true},
	5012: {name: "GoMysql", system: "mysql"},
	5014: {name: "GoRedis", system: "redis"},
	5015: {name: "Echo"},
	5017: {name: "GoMuxServer"},
	5018: {name: "Iris"},
}

// dbSystems maps SkyWalking's db.type / cache.type values (lower-cased) to db.system.name.
var dbSystems = map[string]string{
	"postgresql":    "postgresql",
	"mysql":         "mysql",
	"mariadb":       "mariadb",
	"mongodb":       "mongodb",
	"redis":         "redis",
	"elasticsearch": "elasticsearch",
	"sqlite":        "sqlite",
	"sql":           "other_sql",
	"sqlserver":     "microsoft.sql_server",
	"mssql":         "microsoft.sql_server",
	"oracle":        "oracle.db",
	"clickhouse":    "clickhouse",
	"cassandra":     "cassandra",
	"memcached":     "memcached",
	"h2":            "h2database",
	"dynamodb":      "aws.dynamodb",
}

// keptKeys are tag keys that pass through under their own names (as every key the mapping does
// not know does): SkyWalking's with no semantic-convention counterpart, and the conventions' own.
var keptKeys = []string{
	"cache.op",      // read / write
	"rpc.type",      // Unary / Streaming
	"aws.s3.bucket", // the conventions' name
	"transport",     // kratos: HTTP / gRPC (SkyWalking has no standard key for it)
	// gqlgen: the conventions' names
	"graphql.operation.type", "graphql.operation.name", "graphql.document",
}

// awsKeys are the AWS SDK plugin's tag keys and the attributes they become.
var awsKeys = map[string]string{
	"aws.service":   "rpc.service",
	"aws.operation": "rpc.method",
	"aws.region":    "cloud.region",
}

// semconv maps spans; it holds the sanitising settings.
type semconv struct {
	redactAll       bool
	redactKeys      map[string]bool
	sanitizeQueries bool
}

func newSemconv(o OTelConfig) *semconv {
	m := &semconv{redactKeys: map[string]bool{}, sanitizeQueries: o.SanitizeDBStatement}
	for _, k := range o.RedactQueryKeys {
		if k == "*" {
			m.redactAll = true
		}
		m.redactKeys[k] = true
	}
	return m
}

// mapSpan fills out with the OpenTelemetry view of s.
func (m *semconv) mapSpan(s *Span, out *otelSpan) {
	*out = otelSpan{attrs: out.attrs[:0], events: out.events[:0]}
	out.isError = s.isError
	info := components[s.component]
	switch {
	case s.kind == Entry && s.layer == LayerMQ:
		out.kind = kindConsumer
	case s.kind == Entry:
		out.kind = kindServer
	case s.kind == Exit && s.layer == LayerMQ:
		out.kind = kindProducer
	case s.kind == Exit:
		out.kind = kindClient
	default:
		out.kind = kindInternal
	}
	out.name = s.operation
	if s.kind == Exit && s.peer != "" {
		out.peerHost, out.peerPort = splitHostPort(s.peer)
	}

	switch s.layer {
	case LayerHTTP:
		m.mapHTTP(s, info, out)
	case LayerRPCFramework:
		m.mapRPC(s, info, out)
	case LayerDatabase:
		m.mapDatabase(s, info, out)
	case LayerCache:
		m.mapCache(s, info, out)
	case LayerMQ:
		m.mapMQ(s, info, out)
	default:
		m.passThrough(s, out, nil)
	}
	if s.kind == Exit && tagValue(s, "aws.service") != "" {
		mapAWS(out)
	}
	if out.peerHost != "" && out.kind != kindServer && out.kind != kindConsumer {
		if _, ok := out.get("server.address"); !ok {
			out.setStr("server.address", out.peerHost)
			if out.peerPort > 0 {
				out.setInt("server.port", out.peerPort)
			}
		}
	}
	for _, entry := range s.logEntries() {
		out.events = append(out.events, mapLog(entry))
	}
	if out.isError && out.statusMessage == "" {
		for _, e := range out.events {
			if e.name != "exception" {
				continue
			}
			for _, a := range e.attrs {
				if a.key == "exception.message" {
					out.statusMessage = a.str
				}
			}
		}
	}
}

// passThrough copies the tags that handled does not claim, unchanged.
func (m *semconv) passThrough(s *Span, out *otelSpan, handled func(key string) bool) {
	for _, t := range s.tags {
		if handled == nil || !handled(t.Key) {
			out.setStr(t.Key, t.Value)
		}
	}
}

func tagValue(s *Span, key string) string {
	for _, t := range s.tags {
		if t.Key == key {
			return t.Value
		}
	}
	return ""
}

// methodAndTarget splits SkyWalking's "METHOD:target" operation names.
func methodAndTarget(operation string) (method, target string, ok bool) {
	method, target, ok = strings.Cut(operation, ":")
	if !ok || method == "" || strings.ToUpper(method) != method {
		return "", "", false
	}
	return method, target, true
}

var knownHTTPMethods = map[string]bool{"GET": true, "HEAD": true, "POST": true, "PUT": true, "DELETE": true,
	"CONNECT": true, "OPTIONS": true, "TRACE": true, "PATCH": true, "QUERY": true}

func (m *semconv) mapHTTP(s *Span, info componentInfo, out *otelSpan) {
	method := tagValue(s, "http.method")
	opMethod, target, hasTarget := methodAndTarget(s.operation)
	if method == "" {
		method = opMethod
	}
	spanMethod := "HTTP"
	if knownHTTPMethods[method] {
		out.setStr("http.request.method", method)
		spanMethod = method
	} else if method != "" {
		out.setStr("http.request.method", "_OTHER")
		out.setStr("http.request.method_original", method)
	}
	rawURL := tagValue(s, "url")
	out.name = spanMethod
	if s.kind == Exit {
		if rawURL != "" {
			out.setStr("url.full", m.redactURL(rawURL))
			if host, port, ok := urlHostPort(rawURL); ok {
				out.peerHost, out.peerPort = host, port
			}
		}
	} else {
		if rawURL != "" {
			scheme, host, path, query := splitURL(rawURL)
			if scheme != "" {
				out.setStr("url.scheme", scheme)
			}
			if host != "" {
				h, p := splitHostPort(host)
				out.setStr("server.address", h)
				if p == 0 {
					p = defaultPort(scheme)
				}
				if p > 0 {
					out.setInt("server.port", p)
				}
			}
			out.setStr("url.path", path)
			if query != "" {
				out.setStr("url.query", m.redactQuery(query))
			}
		}
		_, _, path, _ := splitURL(rawURL)
		if hasTarget && target != "" && s.component != 0 && (!info.rawPath || target != path) {
			out.setStr("http.route", target)
			out.name = spanMethod + " " + target
		}
	}
	if code, err := strconv.Atoi(tagValue(s, "http.status_code")); err == nil {
		out.setInt("http.response.status_code", int64(code))
		if s.kind == Entry && code < 500 {
			out.isError = false // a server's 4xx is the client's error, not the server's
		}
		if out.isError && code >= 400 {
			out.setStr("error.type", strconv.Itoa(code))
		}
	}
	m.passThrough(s, out, func(k string) bool { return k == "http.method" || k == "url" || k == "http.status_code" })
}

// gRPC status codes that make a server span an error (the semantic conventions' list).
var grpcServerErrors = map[string]bool{"UNKNOWN": true, "DEADLINE_EXCEEDED": true, "UNIMPLEMENTED": true,
	"INTERNAL": true, "UNAVAILABLE": true, "DATA_LOSS": true}

// grpcCodeNames turns grpc-go's codes.Code.String() ("DeadlineExceeded", upper-cased) into the
// canonical names the semantic conventions use ("DEADLINE_EXCEEDED").
var grpcCodeNames = map[string]string{"CANCELED": "CANCELLED", "INVALIDARGUMENT": "INVALID_ARGUMENT",
	"DEADLINEEXCEEDED": "DEADLINE_EXCEEDED", "NOTFOUND": "NOT_FOUND", "ALREADYEXISTS": "ALREADY_EXISTS",
	"PERMISSIONDENIED": "PERMISSION_DENIED", "RESOURCEEXHAUSTED": "RESOURCE_EXHAUSTED",
	"FAILEDPRECONDITION": "FAILED_PRECONDITION", "OUTOFRANGE": "OUT_OF_RANGE", "DATALOSS": "DATA_LOSS"}

func (m *semconv) mapRPC(s *Span, info componentInfo, out *otelSpan) {
	system := info.system
	if system == "" {
		system = strings.ToLower(info.name)
	}
	if system != "" {
		out.setStr("rpc.system.name", system)
	}
	method := tagValue(s, "url")
	if method == "" {
		method = s.operation
	}
	method = strings.TrimPrefix(method, "/")
	if method != "" {
		out.setStr("rpc.method", method)
		out.name = method
	}
	if code := tagValue(s, "rpc.status_code"); code != "" {
		code = strings.ToUpper(code)
		if c, ok := grpcCodeNames[code]; ok {
			code = c
		}
		out.setStr("rpc.response.status_code", code)
		if s.kind == Entry && system == "grpc" && !grpcServerErrors[code] {
			out.isError = false
		}
		if out.isError {
			out.setStr("error.type", code)
		}
	}
	m.passThrough(s, out, func(k string) bool { return k == "url" || k == "rpc.status_code" })
}

func dbSystem(dbType string, info componentInfo) string {
	if sys, ok := dbSystems[strings.ToLower(dbType)]; ok {
		return sys
	}
	if info.system != "" {
		return info.system
	}
	return strings.ToLower(dbType)
}

func (m *semconv) mapDatabase(s *Span, info componentInfo, out *otelSpan) {
	system := dbSystem(tagValue(s, "db.type"), info)
	if system != "" {
		out.setStr("db.system.name", system)
	}
	if ns := tagValue(s, "db.instance"); ns != "" {
		out.setStr("db.namespace", ns)
	}
	statement := tagValue(s, "db.statement")
	if statement != "" {
		if m.sanitizeQueries {
			statement = sanitizeSQL(statement)
		}
		out.setStr("db.query.text", statement)
	}
	if op := tagValue(s, "db.operation"); op != "" {
		out.setStr("db.operation.name", op)
	}
	if coll := tagValue(s, "db.collection"); coll != "" {
		out.setStr("db.collection.name", coll)
	}
	out.name = system
	if summary := querySummary(statement); summary != "" {
		out.name = summary
	} else if op, ok := out.get("db.operation.name"); ok {
		out.name = op
		if coll, ok := out.get("db.collection.name"); ok {
			out.name = op + " " + coll
		}
	}
	if out.name == "" {
		out.name = s.operation
	}
	m.passThrough(s, out, func(k string) bool {
		return k == "db.type" || k == "db.instance" || k == "db.statement" || k == "db.operation" || k == "db.collection"
	})
}

// mapCache maps SkyWalking's cache.* tags (Redis, Memcached) to the database conventions.
func (m *semconv) mapCache(s *Span, info componentInfo, out *otelSpan) {
	system := dbSystem(tagValue(s, "cache.type"), info)
	if system != "" {
		out.setStr("db.system.name", system)
	}
	cmd, key := tagValue(s, "cache.cmd"), tagValue(s, "cache.key")
	if rest, ok := strings.CutPrefix(cmd, "pipeline:"); ok {
		out.setStr("db.operation.name", "PIPELINE")
		out.setStr("db.query.text", strings.ToUpper(strings.ReplaceAll(rest, "/", ";")))
		out.name = "PIPELINE"
	} else if cmd != "" {
		op := strings.ToUpper(strings.ReplaceAll(cmd, "/", " "))
		out.setStr("db.operation.name", op)
		text := op
		if key != "" {
			text += " " + key
		}
		out.setStr("db.query.text", text)
		out.name = op
	}
	if ns := tagValue(s, "db.instance"); ns != "" {
		out.setStr("db.namespace", ns)
	}
	if out.name == "" {
		out.name = system
	}
	m.passThrough(s, out, func(k string) bool {
		return k == "cache.type" || k == "cache.cmd" || k == "cache.key" || k == "db.instance"
	})
}

// mapMQ maps SkyWalking's mq.* tags: mq.broker (address), mq.topic, mq.queue.
func (m *semconv) mapMQ(s *Span, info componentInfo, out *otelSpan) {
	if info.system != "" {
		out.setStr("messaging.system", info.system)
	}
	topic, queue := tagValue(s, "mq.topic"), tagValue(s, "mq.queue")
	destination := topic
	if destination == "" {
		destination = queue
	} else if queue != "" {
		if info.system == "rabbitmq" {
			out.setStr("messaging.rabbitmq.destination.routing_key", queue)
		} else {
			out.setStr("messaging.destination.subscription.name", queue)
		}
	}
	if info.system == "aws_sqs" && strings.Contains(destination, "/") {
		out.setStr("aws.sqs.queue.url", destination)
		destination = destination[strings.LastIndexByte(destination, '/')+1:]
	}
	if destination != "" {
		out.setStr("messaging.destination.name", destination)
	}
	op := "send"
	if s.kind == Entry {
		op = "process"
	}
	out.setStr("messaging.operation.type", op)
	out.name = op
	if destination != "" {
		out.name = op + " " + destination
	}
	if broker := tagValue(s, "mq.broker"); broker != "" {
		first, _, _ := strings.Cut(broker, ",") // some clients list every bootstrap broker
		host, port := splitHostPort(strings.TrimSpace(first))
		out.peerHost, out.peerPort = host, port
		out.setStr("server.address", host)
		if port > 0 {
			out.setInt("server.port", port)
		}
	}
	m.passThrough(s, out, func(k string) bool { return k == "mq.topic" || k == "mq.queue" || k == "mq.broker" })
}

// mapAWS turns an AWS SDK operation's aws.* tags (passed through by the layer's mapping) into
// the AWS SDK conventions' attributes; the span is "Service.Operation" unless it is a messaging
// span, named by the messaging conventions.
func mapAWS(out *otelSpan) {
	for from, to := range awsKeys {
		out.rename(from, to)
	}
	out.setStr("rpc.system", "aws-api")
	service, _ := out.get("rpc.service")
	method, _ := out.get("rpc.method")
	if out.kind == kindClient && service != "" && method != "" {
		out.name = service + "." + method
	}
}

// mapLog turns a SkyWalking span log into an event: "exception" (exception.message,
// exception.type, exception.stacktrace) when it records an error, else named by its "event"
// field, else "log".
func mapLog(entry LogEntry) otelEvent {
	e := otelEvent{timeNanos: entry.TimeNanos, name: "log"}
	isError := false
	for _, f := range entry.Fields {
		switch f.Key {
		case "event":
			e.name = f.Value
		case "error", "panic", "message":
			isError = isError || f.Key != "message"
			e.attrs = append(e.attrs, otelAttr{key: "exception.message", str: f.Value})
		case "error.kind":
			isError = true
			e.attrs = append(e.attrs, otelAttr{key: "exception.type", str: f.Value})
		case "stack":
			e.attrs = append(e.attrs, otelAttr{key: "exception.stacktrace", str: f.Value})
		default:
			e.attrs = append(e.attrs, otelAttr{key: f.Key, str: f.Value})
		}
	}
	if isError {
		e.name = "exception"
	} else {
		for i := range e.attrs {
			if e.attrs[i].key == "exception.message" {
				e.attrs[i].key = "message"
			}
		}
	}
	return e
}

// --- URLs ---------------------------------------------------------------------------------------

// splitURL cuts "scheme://user@host/path?query#fragment" (user info and fragment are dropped).
func splitURL(raw string) (scheme, host, path, query string) {
	rest := raw
	if i := strings.Index(rest, "://"); i > 0 {
		scheme, rest = strings.ToLower(rest[:i]), rest[i+3:]
		end := strings.IndexAny(rest, "/?#")
		if end < 0 {
			end = len(rest)
		}
		host, rest = rest[:end], rest[end:]
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			host = host[at+1:]
		}
	}
	rest, _, _ = strings.Cut(rest, "#")
	path, query, _ = strings.Cut(rest, "?")
	if path == "" && scheme != "" {
		path = "/"
	}
	return scheme, host, path, query
}

func urlHostPort(raw string) (string, int64, bool) {
	scheme, host, _, _ := splitURL(raw)
	if host == "" {
		return "", 0, false
	}
	h, p := splitHostPort(host)
	if p == 0 {
		p = defaultPort(scheme)
	}
	return h, p, true
}

func defaultPort(scheme string) int64 {
	switch scheme {
	case "http":
		return 80
	case "https":
		return 443
	}
	return 0
}

// splitHostPort cuts "host:port", "[v6]:port" or "host" (port 0 when absent).
func splitHostPort(hostport string) (string, int64) {
	if strings.HasPrefix(hostport, "[") {
		if end := strings.IndexByte(hostport, ']'); end > 0 {
			host, rest := hostport[1:end], hostport[end+1:]
			if port, ok := strings.CutPrefix(rest, ":"); ok {
				if p, err := strconv.ParseInt(port, 10, 32); err == nil && p > 0 {
					return host, p
				}
			}
			return host, 0
		}
	}
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 && strings.IndexByte(hostport[:i], ':') < 0 {
		if p, err := strconv.ParseInt(hostport[i+1:], 10, 32); err == nil && p > 0 {
			return hostport[:i], p
		}
	}
	return hostport, 0
}

// redactURL applies the semantic conventions to url.full: credentials become REDACTED:REDACTED
// and the values of sensitive query parameters REDACTED.
func (m *semconv) redactURL(raw string) string {
	out := raw
	if i := strings.Index(out, "://"); i > 0 {
		authEnd := strings.IndexAny(out[i+3:], "/?#")
		if authEnd < 0 {
			authEnd = len(out) - i - 3
		}
		if at := strings.LastIndexByte(out[i+3:i+3+authEnd], '@'); at >= 0 {
			out = out[:i+3] + "REDACTED:REDACTED" + out[i+3+at:]
		}
	}
	q := strings.IndexByte(out, '?')
	if q < 0 {
		return out
	}
	query, fragment, hasFragment := strings.Cut(out[q+1:], "#")
	out = out[:q+1] + m.redactQuery(query)
	if hasFragment {
		out += "#" + fragment
	}
	return out
}

func (m *semconv) redactQuery(query string) string {
	if !m.redactAll && len(m.redactKeys) == 0 {
		return query
	}
	needed := false
	for rest := query; rest != "" && !needed; {
		var p string
		p, rest, _ = strings.Cut(rest, "&")
		k, _, hasValue := strings.Cut(p, "=")
		needed = hasValue && (m.redactAll || m.redactKeys[k])
	}
	if !needed {
		return query // the common case: nothing to redact, nothing allocated
	}
	parts := strings.Split(query, "&")
	changed := false
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		if hasValue && (m.redactAll || m.redactKeys[k]) {
			parts[i] = k + "=REDACTED"
			changed = true
		}
	}
	if !changed {
		return query
	}
	return strings.Join(parts, "&")
}

// --- SQL ----------------------------------------------------------------------------------------

// sanitizeSQL replaces string and numeric literals by "?" (SW_AGENT_DB_STATEMENT_SANITIZE):
// 'quoted' strings (with ” and backslash escapes), $$dollar-quoted$$ strings, and numbers that
// are not part of an identifier or a $1 placeholder. Identifiers ("quoted" and `quoted` too),
// keywords and -- comments stay.
func sanitizeSQL(q string) string {
	var b strings.Builder
	b.Grow(len(q))
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == '\'':
			j := i + 1
			for j < len(q) {
				if q[j] == '\'' {
					if j+1 < len(q) && q[j+1] == '\'' {
						j += 2
						continue
					}
					break
				}
				if q[j] == '\\' {
					j++
				}
				j++
			}
			b.WriteByte('?')
			i = j + 1
		case c == '"' || c == '`':
			j := strings.IndexByte(q[i+1:], c)
			if j < 0 {
				b.WriteString(q[i:])
				return b.String()
			}
			b.WriteString(q[i : i+j+2])
			i += j + 2
		case c == '-' && i+1 < len(q) && q[i+1] == '-':
			j := strings.IndexByte(q[i:], '\n')
			if j < 0 {
				j = len(q) - i
			}
			b.WriteString(q[i : i+j])
			i += j
		case c == '$' && i+1 < len(q) && q[i+1] == '$':
			j := strings.Index(q[i+2:], "$$")
			b.WriteByte('?')
			if j < 0 {
				return b.String()
			}
			i += j + 4
		case c >= '0' && c <= '9':
			j := i
			for j < len(q) && (isIdentByte(q[j]) || q[j] == '.') {
				j++
			}
			b.WriteByte('?')
			i = j
		case isIdentByte(c) || c == '$':
			j := i + 1
			for j < len(q) && isIdentByte(q[j]) {
				j++
			}
			b.WriteString(q[i:j])
			i = j
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// querySummary is the simple form of db.query.summary, "{operation} {table}" ("SELECT orders",
// "INSERT orders"), or the operation alone for statements without a table; "" when the
// statement does not start with a known keyword.
func querySummary(q string) string {
	fields := strings.Fields(q)
	if len(fields) == 0 {
		return ""
	}
	op := strings.ToUpper(fields[0])
	var after string
	switch op {
	case "SELECT", "DELETE":
		after = "FROM"
	case "INSERT", "REPLACE":
		after = "INTO"
	case "UPDATE":
		if len(fields) > 1 {
			if name := plainName(fields[1]); name != "" {
				return op + " " + name
			}
		}
		return op
	case "BEGIN", "COMMIT", "ROLLBACK", "CREATE", "DROP", "ALTER", "TRUNCATE", "SET", "SHOW", "CALL", "WITH":
		return op
	default:
		return ""
	}
	for i := 1; i+1 < len(fields); i++ {
		if strings.ToUpper(fields[i]) == after {
			if name := plainName(fields[i+1]); name != "" {
				return op + " " + name
			}
			break
		}
	}
	return op
}

// plainName is a table name without quotes and trailing punctuation; "" when it is not a name.
func plainName(word string) string {
	word = strings.TrimRight(word, ",;()")
	word = strings.Trim(word, "\"`")
	if word == "" {
		return ""
	}
	for i := 0; i < len(word); i++ {
		if c := word[i]; !isIdentByte(c) && c != '.' {
			return ""
		}
	}
	return word
}
