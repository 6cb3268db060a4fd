// Advice compiled inside github.com/sirupsen/logrus.
package logrus

// skywagoEntryWriteBefore adds the trace context to the entry about to be formatted. The entry
// is Entry.log's own copy, but before v1.8 its Data map is still the caller's (a value copy of
// the Entry shares it): so the field goes into a new map, never into the caller's.
func skywagoEntryWriteBefore(inv *skywagoInvocation, entry *Entry) {
	if entry == nil {
		return
	}
	key, value, ok := skywagoLogContext(inv.Tracer)
	if !ok {
		return
	}
	data := make(Fields, len(entry.Data)+1)
	for k, v := range entry.Data {
		data[k] = v
	}
	data[key] = value
	entry.Data = data
}

func skywagoEntryWriteAfter(inv *skywagoInvocation, entry *Entry) {}
