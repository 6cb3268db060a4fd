// Advice compiled inside go.mongodb.org/mongo-driver/x/mongo/driver (v1) and
// go.mongodb.org/mongo-driver/v2/x/mongo/driver (v2): an Exit span per command, from the moment
// the driver publishes the command's started event to the one it publishes its outcome. The file
// names no package of the driver (it compiles in both majors unchanged).
package driver

import (
	"context"
	"strings"
	"sync"
)

const (
	skywagoSpanExit       = 1
	skywagoLayerDatabase  = 1
	skywagoComponentMongo = 42 // mongodb-driver in SkyWalking's component-libraries.yml, as SkyWalking Go's mongo plugin
	skywagoMaxStatement   = 2048
)

// skywagoSpans holds the open span of each command by request id (unique in the process: the
// driver numbers every wire message from one counter) between its two events.
var skywagoSpans sync.Map

// skywagoSetupCommand: commands the driver sends on its own to open, authenticate and monitor
// connections, not for the application.
func skywagoSetupCommand(name string) bool {
	switch name {
	case "hello", "isMaster", "ismaster", "saslStart", "saslContinue", "authenticate", "getnonce":
		return true
	}
	return false
}

func skywagoStartedBefore(inv *skywagoInvocation, op Operation, ctx *context.Context, info *startedInformation) {
	if skywagoSetupCommand(info.cmdName) {
		return
	}
	t := inv.Tracer
	span := t.StartSpan(skywagoSpanExit, "MongoDB/"+info.cmdName, skywagoPeer(info.connID), nil, nil)
	if span == nil {
		return
	}
	t.SetComponent(span, skywagoComponentMongo)
	t.SetLayer(span, skywagoLayerDatabase)
	t.SetTag(span, "db.type", "MongoDB")
	if op.Database != "" {
		t.SetTag(span, "db.instance", op.Database)
	}
	if !info.redacted {
		if statement := skywagoStatement(info); statement != "" {
			t.SetTag(span, "db.statement", statement)
		}
	}
	skywagoSpans.Store(info.requestID, span)
}

func skywagoStartedAfter(inv *skywagoInvocation, op Operation, ctx *context.Context, info *startedInformation) {
}

func skywagoFinishedBefore(inv *skywagoInvocation, op Operation, ctx *context.Context, info *finishedInformation) {
	span, ok := skywagoSpans.LoadAndDelete(info.requestID)
	if !ok {
		return
	}
	t := inv.Tracer
	if info.cmdErr != nil {
		t.SetError(span)
		t.Log(span, "error", info.cmdErr.Error())
	}
	t.End(span)
}

func skywagoFinishedAfter(inv *skywagoInvocation, op Operation, ctx *context.Context, info *finishedInformation) {
}

// skywagoPeer is the server's address from the driver's connection id, "host:port[-7]".
func skywagoPeer(connID string) string {
	if i := strings.LastIndexByte(connID, '['); i > 0 && strings.HasSuffix(connID, "]") {
		return connID[:i]
	}
	return connID
}

// skywagoStatement is the command document as relaxed extended JSON, without the fields that
// tie it to a session (lsid, $clusterTime, txnNumber: SkyWalking Go leaves them out too), cut
// to skywagoMaxStatement bytes. Documents the driver sends in a separate section of the
// message (the rows of a bulk insert) are not part of it.
func skywagoStatement(info *startedInformation) string {
	elements, err := info.cmd.Elements()
	if err != nil {
		return ""
	}
	doc := info.cmd[:4:4] // the length, rewritten below; full capacity: appends copy
	for _, element := range elements {
		switch element.Key() {
		case "lsid", "$clusterTime", "txnNumber":
			continue
		}
		doc = append(doc, element...)
	}
	doc = append(doc, 0)
	n := len(doc)
	doc[0], doc[1], doc[2], doc[3] = byte(n), byte(n>>8), byte(n>>16), byte(n>>24)
	text := doc.String()
	if len(text) <= skywagoMaxStatement {
		return text
	}
	cut := skywagoMaxStatement - len("...")
	for cut > 0 && text[cut]&0xC0 == 0x80 {
		cut--
	}
	return text[:cut] + "..."
}
