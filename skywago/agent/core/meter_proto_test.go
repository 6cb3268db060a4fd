package core

import (
	"math"
	"testing"

	"skywago.dev/agent/internal/protowire"
)

// protoFields decodes one message level into field number -> raw values (bytes fields as
// []byte, varints as uint64, fixed64 as float64).
func protoFields(t *testing.T, msg []byte) map[int][]any {
	t.Helper()
	fields := map[int][]any{}
	d := protowire.NewDecoder(msg)
	for d.Next() {
		switch d.Type() {
		case protowire.BytesType:
			fields[d.Field()] = append(fields[d.Field()], d.Bytes())
		case protowire.VarintType:
			fields[d.Field()] = append(fields[d.Field()], d.Uint64())
		case protowire.Fixed64Type:
			fields[d.Field()] = append(fields[d.Field()], d.Double())
		default:
			t.Fatalf("unexpected wire type %d in field %d", d.Type(), d.Field())
		}
	}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	return fields
}

func text(v any) string { return string(v.([]byte)) }

func TestMeterCollectionEncoding(t *testing.T) {
	points := []meterPoint{
		{name: "instance_golang_live_goroutines_num", value: 7},
		{name: "instance_golang_memory_heap_labeled", labels: []Tag{{Key: "type", Value: "total"}}, value: 1 << 20},
		{name: "instance_golang_gc_pauses", buckets: []meterBucket{{lower: 0, count: 3}, {lower: 128, count: 1}, {lower: math.Inf(-1), count: 0}}},
	}
	msg := appendMeterCollection(nil, points, "svc", "inst@host", 1700000000123)
	data := protoFields(t, msg)[1]
	if len(data) != 3 {
		t.Fatalf("%d MeterData, want 3", len(data))
	}
	first := protoFields(t, data[0].([]byte))
	if text(first[3][0]) != "svc" || text(first[4][0]) != "inst@host" || first[5][0].(uint64) != 1700000000123 {
		t.Errorf("first MeterData: service/instance/timestamp = %v", first)
	}
	single := protoFields(t, first[1][0].([]byte))
	if text(single[1][0]) != "instance_golang_live_goroutines_num" || single[3][0].(float64) != 7 || single[2] != nil {
		t.Errorf("singleValue = %v", single)
	}
	second := protoFields(t, data[1].([]byte))
	if second[3] != nil || second[4] != nil || second[5] != nil {
		t.Errorf("only the first MeterData carries service, instance and time: %v", second)
	}
	labeled := protoFields(t, second[1][0].([]byte))
	label := protoFields(t, labeled[2][0].([]byte))
	if text(label[1][0]) != "type" || text(label[2][0]) != "total" || labeled[3][0].(float64) != 1<<20 {
		t.Errorf("labeled single value = %v / %v", labeled, label)
	}
	histogram := protoFields(t, protoFields(t, data[2].([]byte))[2][0].([]byte))
	if text(histogram[1][0]) != "instance_golang_gc_pauses" || len(histogram[3]) != 3 {
		t.Fatalf("histogram = %v", histogram)
	}
	zero := protoFields(t, histogram[3][0].([]byte)) // bucket 0, count 3: the zero bound is omitted (proto3)
	if zero[1] != nil || zero[2][0].(uint64) != 3 || zero[3] != nil {
		t.Errorf("bucket 0 = %v", zero)
	}
	second128 := protoFields(t, histogram[3][1].([]byte))
	if second128[1][0].(float64) != 128 || second128[2][0].(uint64) != 1 {
		t.Errorf("bucket 128 = %v", second128)
	}
	if negInf := protoFields(t, histogram[3][2].([]byte)); negInf[3][0].(uint64) != 1 {
		t.Errorf("-Inf bucket is not flagged isNegativeInfinity: %v", negInf)
	}
}

func TestRuntimeMetersEncodeCompletely(t *testing.T) {
	points := newRuntimeMeters().collect()
	msg := appendMeterCollection(nil, points, "s", "i", 1)
	if got := len(protoFields(t, msg)[1]); got != len(points) {
		t.Errorf("%d MeterData for %d points", got, len(points))
	}
}
