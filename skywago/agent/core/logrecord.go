package core

import (
	"strconv"
	"time"

	"skywago.dev/agent/internal/protowire"
)

// logRecord is one application log record on its way to the backend's log receiver (SkyWalking's
// LogData): what the log plugins (logrus, zap, slog) hand to ReportLog, with the trace context of
// the goroutine that wrote it.
type logRecord struct {
	timeMillis int64
	service    string
	instance   string
	endpoint   string // the segment's endpoint (its first span's operation); "" outside a trace
	message    string
	traceID    string // "" outside a sampled trace
	segmentID  string
	spanID     int32
	tags       []Tag // LEVEL first, then the labels
}

// newLogRecord captures a record written now on the current goroutine. unixNanos <= 0 means now.
// labels are key, value pairs (a dangling key is dropped).
func newLogRecord(t *tracer, unixNanos int64, level, message string, labels []string) *logRecord {
	if unixNanos <= 0 {
		unixNanos = time.Now().UnixNano()
	}
	r := &logRecord{
		timeMillis: unixNanos / int64(time.Millisecond),
		service:    t.service,
		instance:   t.instance,
		message:    message,
		spanID:     -1,
	}
	r.tags = make([]Tag, 0, 1+len(labels)/2)
	r.tags = append(r.tags, Tag{Key: "LEVEL", Value: level})
	for i := 0; i+1 < len(labels); i += 2 {
		r.tags = append(r.tags, Tag{Key: labels[i], Value: labels[i+1]})
	}
	if seg := activeSegment(); seg != nil && seg.sampled {
		r.traceID, r.segmentID, r.spanID = seg.traceID, seg.segmentID, seg.active.id
		r.endpoint = seg.endpoint()
	}
	return r
}

// appendLogJSON appends r as the proto3 JSON mapping of SkyWalking's LogData, the body format of
// the OAP's HTTP log receiver (/v3/logs, a JSON array of them).
func appendLogJSON(b []byte, r *logRecord) []byte {
	b = append(b, `{"timestamp":`...)
	b = strconv.AppendInt(b, r.timeMillis, 10)
	b = append(b, `,"service":`...)
	b = appendJSONString(b, r.service)
	b = append(b, `,"serviceInstance":`...)
	b = appendJSONString(b, r.instance)
	if r.endpoint != "" {
		b = append(b, `,"endpoint":`...)
		b = appendJSONString(b, r.endpoint)
	}
	b = append(b, `,"body":{"type":"TEXT","text":{"text":`...)
	b = appendJSONString(b, r.message)
	b = append(b, `}}`...)
	if r.traceID != "" {
		b = append(b, `,"traceContext":{"traceId":`...)
		b = appendJSONString(b, r.traceID)
		b = append(b, `,"traceSegmentId":`...)
		b = appendJSONString(b, r.segmentID)
		b = append(b, `,"spanId":`...)
		b = strconv.AppendInt(b, int64(r.spanID), 10)
		b = append(b, '}')
	}
	b = append(b, `,"tags":{"data":`...)
	b = appendKeyValuesJSON(b, r.tags)
	return append(b, `},"layer":"GENERAL"}`...)
}

// appendLogProto appends r as SkyWalking's LogData (logging/Logging.proto), one message of
// LogReportService/collect.
func appendLogProto(b []byte, r *logRecord) []byte {
	b = protowire.AppendInt64(b, 1, r.timeMillis)
	b = protowire.AppendString(b, 2, r.service)
	b = protowire.AppendString(b, 3, r.instance)
	b = protowire.AppendString(b, 4, r.endpoint)
	b = protowire.AppendMessage(b, 5, func(b []byte) []byte { // LogDataBody
		b = protowire.AppendString(b, 1, "TEXT")
		return protowire.AppendMessage(b, 2, func(b []byte) []byte { // TextLog
			return protowire.AppendString(b, 1, r.message)
		})
	})
	if r.traceID != "" {
		b = protowire.AppendMessage(b, 6, func(b []byte) []byte { // TraceContext
			b = protowire.AppendString(b, 1, r.traceID)
			b = protowire.AppendString(b, 2, r.segmentID)
			return protowire.AppendInt32(b, 3, r.spanID)
		})
	}
	b = protowire.AppendMessage(b, 7, func(b []byte) []byte { // LogTags
		for _, t := range r.tags {
			b = protowire.AppendMessage(b, 1, func(b []byte) []byte { // KeyStringValuePair
				b = protowire.AppendString(b, 1, t.Key)
				return protowire.AppendString(b, 2, t.Value)
			})
		}
		return b
	})
	return protowire.AppendString(b, 8, "GENERAL")
}
