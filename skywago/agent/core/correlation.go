package core

// correlation is SkyWalking's correlation context: a few small key/value pairs that travel with
// the trace (sw8-correlation header, snapshots). It is copy-on-write: a value stored in a
// snapshot or segment is never modified, set() returns a new one.
type correlation []Tag

func (c correlation) get(key string) (string, bool) {
	for _, kv := range c {
		if kv.Key == key {
			return kv.Value, true
		}
	}
	return "", false
}

// set returns a copy of c with key set to value, or c itself and false when the limits refuse
// it (too many keys, value too long), as SkyWalking's agents do.
func (c correlation) set(key, value string, maxKeys, maxValueSize int) (correlation, bool) {
	if key == "" || len(value) > maxValueSize {
		return c, false
	}
	out := make(correlation, len(c), len(c)+1)
	copy(out, c)
	for i := range out {
		if out[i].Key == key {
			out[i].Value = value
			return out, true
		}
	}
	if len(out) >= maxKeys {
		return c, false
	}
	return append(out, Tag{Key: key, Value: value}), true
}
