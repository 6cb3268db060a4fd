package core

import (
	"math"

	"skywago.dev/agent/internal/protowire"
)

// appendMeterCollection appends the meter points of one collection as SkyWalking's
// MeterDataCollection (language-agent/Meter.proto), one message of MeterReportService/collectBatch.
// The first MeterData carries the service, instance and time (epoch milliseconds) of all of them,
// as the OAP reads it.
func appendMeterCollection(b []byte, points []meterPoint, service, instance string, timeMillis int64) []byte {
	for i := range points {
		p := &points[i]
		b = protowire.AppendMessage(b, 1, func(b []byte) []byte { // MeterDataCollection.meterData
			if p.buckets == nil {
				b = protowire.AppendMessage(b, 1, func(b []byte) []byte { // MeterData.singleValue
					b = protowire.AppendString(b, 1, p.name)
					b = appendMeterLabels(b, p.labels)
					return protowire.AppendDouble(b, 3, p.value)
				})
			} else {
				b = protowire.AppendMessage(b, 2, func(b []byte) []byte { // MeterData.histogram
					b = protowire.AppendString(b, 1, p.name)
					b = appendMeterLabels(b, p.labels)
					for _, bucket := range p.buckets {
						b = protowire.AppendMessage(b, 3, func(b []byte) []byte { // MeterBucketValue
							b = protowire.AppendDouble(b, 1, bucket.lower)
							b = protowire.AppendInt64(b, 2, bucket.count)
							return protowire.AppendBool(b, 3, math.IsInf(bucket.lower, -1))
						})
					}
					return b
				})
			}
			if i == 0 {
				b = protowire.AppendString(b, 3, service)
				b = protowire.AppendString(b, 4, instance)
				b = protowire.AppendInt64(b, 5, timeMillis)
			}
			return b
		})
	}
	return b
}

func appendMeterLabels(b []byte, labels []Tag) []byte {
	for _, l := range labels {
		b = protowire.AppendMessage(b, 2, func(b []byte) []byte { // Label
			b = protowire.AppendString(b, 1, l.Key)
			return protowire.AppendString(b, 2, l.Value)
		})
	}
	return b
}
