// Advice compiled inside github.com/sirupsen/logrus.
package logrus

import "fmt"

// skywagoEntryWriteBefore ships the entry about to be written to the agent's log reporter (with
// the fields SW_AGENT_LOG_REPORTER_LABEL_KEYS names as labels), then adds the trace context to
// it. The entry is Entry.log's own copy, but before v1.8 its Data map is still the caller's (a
// value copy of the Entry shares it): so the field goes into a new map, never into the caller's.
func skywagoEntryWriteBefore(inv *skywagoInvocation, entry *Entry) {
	if entry == nil {
		return
	}
	var labels []string
	for _, k := range skywagoLogLabelKeys(inv.Tracer) {
		if v, found := entry.Data[k]; found {
			labels = append(labels, k, fmt.Sprint(v))
		}
	}
	skywagoLogShip(inv.Tracer, entry.Time.UnixNano(), entry.Level.String(), entry.Message, labels)
	stamp, n := skywagoLogFields(inv.Tracer)
	if n == 0 {
		return
	}
	data := make(Fields, len(entry.Data)+n)
	for k, v := range entry.Data {
		data[k] = v
	}
	for _, f := range stamp[:n] {
		data[f.Key] = f.Value
	}
	entry.Data = data
}

func skywagoEntryWriteAfter(inv *skywagoInvocation, entry *Entry) {}
