package core

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// span builds a finished span as a plugin would leave it.
func testSpan(kind SpanKind, layer Layer, component int32, operation, peer string, tags ...string) *Span {
	s := &Span{kind: kind, layer: layer, component: component, operation: operation, peer: peer, parentID: -1}
	for i := 0; i+1 < len(tags); i += 2 {
		s.tags = append(s.tags, Tag{Key: tags[i], Value: tags[i+1]})
	}
	return s
}

func mapped(s *Span, configure ...func(*OTelConfig)) otelSpan {
	o := defaultOTelConfig()
	for _, c := range configure {
		c(&o)
	}
	var out otelSpan
	newSemconv(o).mapSpan(s, &out)
	return out
}

func attrs(o otelSpan) map[string]string {
	m := map[string]string{}
	for _, a := range o.attrs {
		if a.isInt {
			m[a.key] = "int:" + strconv.FormatInt(a.num, 10)
		} else {
			m[a.key] = a.str
		}
	}
	return m
}

func expectAttrs(t *testing.T, what string, o otelSpan, want map[string]string) {
	t.Helper()
	got := attrs(o)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %q, want %q (all: %v)", what, k, got[k], v, got)
		}
	}
	for _, old := range []string{"http.method", "url", "http.status_code", "db.type", "db.instance", "db.statement",
		"cache.type", "cache.cmd", "cache.key", "mq.broker", "mq.topic", "mq.queue", "rpc.status_code"} {
		if _, ok := got[old]; ok {
			t.Errorf("%s: SkyWalking key %s leaked into the OpenTelemetry attributes", what, old)
		}
	}
}

func TestSemconvHTTP(t *testing.T) {
	server := testSpan(Entry, LayerHTTP, 5006, "GET:/users/:id", "", "http.method", "GET",
		"url", "http://shop:8080/users/7?token=abc&sig=s3cr3t", "http.status_code", "404")
	server.isError = true
	o := mapped(server)
	if o.name != "GET /users/:id" || o.kind != kindServer || o.isError {
		t.Errorf("gin server span: name %q kind %d error %v (a 404 is not the server's error)", o.name, o.kind, o.isError)
	}
	expectAttrs(t, "server", o, map[string]string{"http.request.method": "GET", "http.route": "/users/:id",
		"url.scheme": "http", "url.path": "/users/7", "url.query": "token=abc&sig=REDACTED",
		"server.address": "shop", "server.port": "int:8080", "http.response.status_code": "int:404"})

	// chi (on net/http, same component) renames the span after its route: http.route.
	chi := mapped(testSpan(Entry, LayerHTTP, 5004, "GET:/users/{id}", "", "http.method", "GET", "url", "http://h/users/7"))
	if chi.name != "GET /users/{id}" || attrs(chi)["http.route"] != "/users/{id}" {
		t.Errorf("chi route: %q %v", chi.name, attrs(chi))
	}
	// net/http's own server span names the raw path: no http.route.
	raw := mapped(testSpan(Entry, LayerHTTP, 5004, "POST:/upload/123", "", "http.method", "POST", "url", "https://h/upload/123"))
	if raw.name != "POST" || attrs(raw)["http.route"] != "" || attrs(raw)["server.port"] != "int:443" {
		t.Errorf("net/http server: %q %v", raw.name, attrs(raw))
	}

	client := testSpan(Exit, LayerHTTP, 5005, "GET:/v1/pay", "pay:9000", "http.method", "GET",
		"url", "http://user:pw@pay:9000/v1/pay?X-Goog-Signature=1&q=2#frag", "http.status_code", "503")
	client.isError = true
	client.logs = &[]LogEntry{{TimeNanos: 5, Fields: []Tag{{"error", "boom"}}}}
	o = mapped(client)
	if o.name != "GET" || o.kind != kindClient || !o.isError || o.statusMessage != "boom" {
		t.Errorf("client: %+v", o)
	}
	expectAttrs(t, "client", o, map[string]string{"http.request.method": "GET",
		"url.full":       "http://REDACTED:REDACTED@pay:9000/v1/pay?X-Goog-Signature=REDACTED&q=2#frag",
		"server.address": "pay", "server.port": "int:9000", "http.response.status_code": "int:503", "error.type": "503"})
	if len(o.events) != 1 || o.events[0].name != "exception" || o.events[0].attrs[0].key != "exception.message" {
		t.Errorf("error log should become an exception event: %+v", o.events)
	}
	o = mapped(testSpan(Exit, LayerHTTP, 5005, "PROPFIND:/x", "h:1", "http.method", "PROPFIND", "url", "http://h:1/x?a=1"),
		func(c *OTelConfig) { c.RedactQueryKeys = []string{"*"} })
	expectAttrs(t, "other method", o, map[string]string{"http.request.method": "_OTHER",
		"http.request.method_original": "PROPFIND", "url.full": "http://h:1/x?a=REDACTED"})
	if o.name != "HTTP" {
		t.Errorf("unknown method span name %q", o.name)
	}
}

func TestSemconvGRPC(t *testing.T) {
	server := testSpan(Entry, LayerRPCFramework, 23, "/shop.Cart/Add", "", "url", "/shop.Cart/Add",
		"rpc.type", "Unary", "rpc.status_code", "NotFound")
	server.isError = true
	o := mapped(server)
	if o.name != "shop.Cart/Add" || o.kind != kindServer || o.isError {
		t.Errorf("server: name %q kind %d error %v (NOT_FOUND is not a server error)", o.name, o.kind, o.isError)
	}
	expectAttrs(t, "grpc server", o, map[string]string{"rpc.system.name": "grpc", "rpc.method": "shop.Cart/Add",
		"rpc.response.status_code": "NOT_FOUND"})
	client := testSpan(Exit, LayerRPCFramework, 23, "/shop.Cart/Add", "cart:50051", "url", "/shop.Cart/Add",
		"rpc.status_code", "DeadlineExceeded")
	client.isError = true
	o = mapped(client)
	expectAttrs(t, "grpc client", o, map[string]string{"rpc.response.status_code": "DEADLINE_EXCEEDED",
		"error.type": "DEADLINE_EXCEEDED", "server.address": "cart", "server.port": "int:50051"})
	if !o.isError || o.kind != kindClient {
		t.Errorf("client: %+v", o)
	}
}

func TestSemconvDatabaseAndCache(t *testing.T) {
	q := "SELECT id, name FROM orders WHERE name = 'o''neil' AND total > 10.5 AND id = $1"
	o := mapped(testSpan(Exit, LayerDatabase, 22, "PostgreSQL/Query", "db:5432", "db.type", "PostgreSQL",
		"db.instance", "shop", "db.statement", q))
	if o.name != "SELECT orders" || o.kind != kindClient {
		t.Errorf("db span name %q", o.name)
	}
	expectAttrs(t, "postgres", o, map[string]string{"db.system.name": "postgresql", "db.namespace": "shop",
		"db.query.text": q, "server.address": "db", "server.port": "int:5432"})
	o = mapped(testSpan(Exit, LayerDatabase, 5012, "Mysql/Exec", "db:3306", "db.type", "Mysql", "db.statement",
		"INSERT INTO `t` VALUES ('a', 42, -1.5e3, x'ff') -- 7 rows"), func(c *OTelConfig) { c.SanitizeDBStatement = true })
	expectAttrs(t, "mysql sanitised", o, map[string]string{"db.system.name": "mysql",
		"db.query.text": "INSERT INTO `t` VALUES (?, ?, -?, x?) -- 7 rows"})
	if o.name != "INSERT `t`" && o.name != "INSERT t" {
		t.Errorf("insert span name %q", o.name)
	}

	o = mapped(testSpan(Exit, LayerCache, 5014, "redis/get", "cache:6379", "cache.type", "redis", "cache.cmd", "get",
		"cache.key", "user:1", "cache.op", "read"))
	if o.name != "GET" {
		t.Errorf("redis span name %q", o.name)
	}
	expectAttrs(t, "redis", o, map[string]string{"db.system.name": "redis", "db.operation.name": "GET",
		"db.query.text": "GET user:1", "server.address": "cache", "server.port": "int:6379"})
	o = mapped(testSpan(Exit, LayerCache, 5014, "redis/pipeline", "cache:6379", "cache.type", "redis",
		"cache.cmd", "pipeline:get/set"))
	expectAttrs(t, "pipeline", o, map[string]string{"db.operation.name": "PIPELINE", "db.query.text": "GET;SET"})
}

func TestSemconvMessaging(t *testing.T) {
	o := mapped(testSpan(Exit, LayerMQ, 40, "Kafka/orders/Producer", "k1:9092", "mq.broker", "k1:9092,k2:9092", "mq.topic", "orders"))
	if o.kind != kindProducer || o.name != "send orders" {
		t.Errorf("producer: kind %d name %q", o.kind, o.name)
	}
	expectAttrs(t, "kafka producer", o, map[string]string{"messaging.system": "kafka", "messaging.destination.name": "orders",
		"messaging.operation.type": "send", "server.address": "k1", "server.port": "int:9092"})
	o = mapped(testSpan(Entry, LayerMQ, 53, "RabbitMQ/Consumer", "", "mq.broker", "rabbit:5672", "mq.topic", "ex", "mq.queue", "q1"))
	if o.kind != kindConsumer || o.name != "process ex" {
		t.Errorf("consumer: kind %d name %q", o.kind, o.name)
	}
	expectAttrs(t, "rabbit consumer", o, map[string]string{"messaging.system": "rabbitmq", "messaging.destination.name": "ex",
		"messaging.rabbitmq.destination.routing_key": "q1", "messaging.operation.type": "process"})
}

func TestSemconvAWS(t *testing.T) {
	// An S3 operation: the awssdk plugin's Exit span, on which net/http's round trip left its tags.
	o := mapped(testSpan(Exit, LayerHTTP, 49, "AWS/S3/PutObject", "127.0.0.1:9000", "aws.service", "S3",
		"aws.operation", "PutObject", "aws.region", "us-east-1", "aws.s3.bucket", "b1",
		"http.method", "PUT", "url", "http://127.0.0.1:9000/b1/k", "http.status_code", "200"))
	if o.name != "S3.PutObject" || o.kind != kindClient {
		t.Errorf("s3: name %q kind %d", o.name, o.kind)
	}
	expectAttrs(t, "s3", o, map[string]string{"rpc.system": "aws-api", "rpc.service": "S3", "rpc.method": "PutObject",
		"cloud.region": "us-east-1", "aws.s3.bucket": "b1", "http.request.method": "PUT",
		"url.full": "http://127.0.0.1:9000/b1/k", "server.address": "127.0.0.1", "server.port": "int:9000"})
	for _, k := range []string{"aws.service", "aws.operation", "aws.region"} {
		if _, ok := attrs(o)[k]; ok {
			t.Errorf("s3: %s passed through", k)
		}
	}
	// SQS: the messaging conventions; the queue URL names the queue.
	url := "http://127.0.0.1:9324/000000000000/orders"
	o = mapped(testSpan(Exit, LayerMQ, 140, "AWS/SQS/SendMessage", "127.0.0.1:9324", "mq.broker", "127.0.0.1:9324", "mq.queue", url))
	if o.name != "send orders" || o.kind != kindProducer {
		t.Errorf("sqs: name %q kind %d", o.name, o.kind)
	}
	expectAttrs(t, "sqs", o, map[string]string{"messaging.system": "aws_sqs", "messaging.destination.name": "orders",
		"aws.sqs.queue.url": url, "messaging.operation.type": "send", "server.address": "127.0.0.1"})
	// With the aws.* tags too, a messaging span keeps its messaging name.
	o = mapped(testSpan(Exit, LayerMQ, 140, "AWS/SQS/SendMessage", "", "mq.queue", url, "aws.service", "SQS",
		"aws.operation", "SendMessage"))
	if o.name != "send orders" || attrs(o)["rpc.system"] != "aws-api" || attrs(o)["rpc.method"] != "SendMessage" {
		t.Errorf("sqs with aws tags: %q %v", o.name, attrs(o))
	}
}

func TestSemconvLocalAndUnknownTags(t *testing.T) {
	o := mapped(testSpan(Local, LayerUnknown, 0, "gorm/create", "", "custom.key", "v"))
	if o.kind != kindInternal || o.name != "gorm/create" || attrs(o)["custom.key"] != "v" {
		t.Errorf("local: %+v", o)
	}
}

// TestEveryPluginIsMapped keeps the mapping complete: every component id and tag key a plugin
// under plugins/ uses must be known to semconv.go (a new plugin adds its id to components, and a
// new SkyWalking tag key to the mapping).
func TestEveryPluginIsMapped(t *testing.T) {
	root := filepath.Join("..", "..", "..", "plugins")
	files, err := filepath.Glob(filepath.Join(root, "*", "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no plugin sources under %s: %v", root, err)
	}
	componentRe := regexp.MustCompile(`(?i)component\w*\s*(?:int32\s*)?=\s*(\d+)`)
	tagRe := regexp.MustCompile(`SetTag\([^,]+,\s*"([^"]+)"`)
	source, err := os.ReadFile("semconv.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		text, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range componentRe.FindAllStringSubmatch(string(text), -1) {
			id, _ := strconv.Atoi(m[1])
			if _, ok := components[int32(id)]; !ok {
				t.Errorf("%s: component id %d is not in semconv.go's components", f, id)
			}
		}
		for _, m := range tagRe.FindAllStringSubmatch(string(text), -1) {
			if !strings.Contains(string(source), `"`+m[1]+`"`) {
				t.Errorf("%s: tag key %q is not handled in semconv.go", f, m[1])
			}
		}
	}
}
