package protowire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// Known encodings, from the protobuf encoding guide's examples and the rules it states.
func TestKnownEncodings(t *testing.T) {
	for _, c := range []struct {
		name string
		got  []byte
		want string
	}{
		{"varint 150", AppendVarint(nil, 1, 150), "089601"},
		{"string testing", AppendString(nil, 2, "testing"), "120774657374696e67"},
		{"negative int32 is ten bytes", AppendInt32(nil, 1, -1), "08ffffffffffffffffff01"},
		{"int64 min", AppendInt64(nil, 1, math.MinInt64), "0880808080808080808001"},
		{"sint -1", AppendSint64(nil, 1, -1), "0801"},
		{"sint 1", AppendSint64(nil, 1, 1), "0802"},
		{"bool", AppendBool(nil, 3, true), "1801"},
		{"fixed32", AppendFixed32(nil, 4, 1), "2501000000"},
		{"double 1.0", AppendDouble(nil, 5, 1), "29000000000000f03f"},
		{"proto3 zero values are omitted",
			AppendDouble(AppendBool(AppendString(AppendInt32(AppendVarint(nil, 1, 0), 2, 0), 3, ""), 4, false), 5, 0), ""},
		{"repeated empty string is written", AppendStringValue(nil, 1, ""), "0a00"},
		{"empty message is written", AppendMessage(nil, 3, func(b []byte) []byte { return b }), "1a00"},
		{"embedded message", AppendMessage(nil, 3, func(b []byte) []byte { return AppendVarint(b, 1, 150) }), "1a03089601"},
		{"large field number", AppendVarint(nil, MaxField, 1), "f8ffffff0f01"},
	} {
		if got := hex.EncodeToString(c.got); got != c.want {
			t.Errorf("%s: got %s, want %s", c.name, got, c.want)
		}
	}
}

func TestAppendMessageLongBodies(t *testing.T) {
	for _, size := range []int{0, 1, 126, 127, 128, 129, 16383, 16384, 70000, 3 << 20} {
		body := strings.Repeat("x", size)
		prefix := []byte("prefix")
		got := AppendMessage(append([]byte{}, prefix...), 7, func(b []byte) []byte { return AppendString(b, 1, body) })
		want := AppendBytes(append([]byte{}, prefix...), 7, AppendString(nil, 1, body))
		if size == 0 {
			want = append(append([]byte{}, prefix...), 0x3a, 0x00)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("size %d: AppendMessage differs from AppendBytes of the encoded body", size)
		}
	}
}

func TestNestedMessagesDecode(t *testing.T) {
	msg := AppendString(nil, 1, "trace")
	for i := 0; i < 3; i++ {
		i := i
		msg = AppendMessage(msg, 3, func(b []byte) []byte {
			b = AppendInt32(b, 1, int32(i))
			b = AppendInt32(b, 2, int32(i-1))
			b = AppendMessage(b, 12, func(b []byte) []byte {
				return AppendString(AppendString(b, 1, "k"), 2, strings.Repeat("v", 200*i))
			})
			return b
		})
	}
	msg = AppendBool(msg, 6, true)

	d := NewDecoder(msg)
	var trace string
	var spans []int32
	var parents []int32
	var values []int
	limited := false
	for d.Next() {
		switch d.Field() {
		case 1:
			trace = d.String()
		case 3:
			s := NewDecoder(d.Bytes())
			for s.Next() {
				switch s.Field() {
				case 1:
					spans = append(spans, s.Int32())
				case 2:
					parents = append(parents, s.Int32())
				case 12:
					kv := NewDecoder(s.Bytes())
					for kv.Next() {
						if kv.Field() == 2 {
							values = append(values, len(kv.String()))
						}
					}
					if kv.Err() != nil {
						t.Fatal(kv.Err())
					}
				}
			}
			if s.Err() != nil {
				t.Fatal(s.Err())
			}
		case 6:
			limited = d.Bool()
		}
	}
	if d.Err() != nil {
		t.Fatal(d.Err())
	}
	if trace != "trace" || !limited || len(spans) != 2 || spans[0] != 1 || spans[1] != 2 ||
		len(parents) != 2 || parents[0] != -1 || parents[1] != 1 || len(values) != 2 || values[1] != 400 {
		// proto3: span 0, parent 0 and the empty value are zero values, so not written
		t.Fatalf("decoded %q %v %v %v %v", trace, spans, parents, values, limited)
	}
}

func TestDecoderErrors(t *testing.T) {
	for _, c := range []struct {
		name string
		msg  string
		want error
	}{
		{"truncated varint", "0896", ErrTruncated},
		{"truncated tag", "80", ErrTruncated},
		{"length past the end", "0a05616263", ErrTruncated},
		{"field zero", "0001", ErrFieldZero},
		{"wire type 6", "0e01", ErrWireType},
		{"varint of 11 bytes", "08ffffffffffffffffffff01", ErrOverflow},
		{"10th byte above 1", "08ffffffffffffffffff02", ErrOverflow},
		{"end group without start", "0c", ErrGroup},
		{"group closed by another field", "0b0801" + "14", ErrGroup},
		{"unterminated group", "0b0801", ErrTruncated},
		{"truncated fixed32", "0d0102", ErrTruncated},
		{"truncated fixed64", "0901020304050607", ErrTruncated},
	} {
		raw, _ := hex.DecodeString(c.msg)
		d := NewDecoder(raw)
		for d.Next() {
		}
		if !errors.Is(d.Err(), c.want) {
			t.Errorf("%s: err = %v, want %v", c.name, d.Err(), c.want)
		}
	}
	// A group is skipped as a whole, nested groups too.
	raw, _ := hex.DecodeString("0b" + "1b" + "0801" + "1c" + "0c" + "1001")
	d := NewDecoder(raw)
	var fields []int
	for d.Next() {
		fields = append(fields, d.Field())
	}
	if d.Err() != nil || len(fields) != 2 || fields[0] != 1 || fields[1] != 2 {
		t.Fatalf("groups: fields %v, err %v", fields, d.Err())
	}
	// Too deep: refused, not a stack overflow.
	deep := bytes.Repeat([]byte{0x0b}, 200)
	d = NewDecoder(deep)
	for d.Next() {
	}
	if !errors.Is(d.Err(), ErrGroup) {
		t.Fatalf("deep groups: %v", d.Err())
	}
}

func TestWrongWireTypeIsAnError(t *testing.T) {
	d := NewDecoder(AppendVarint(nil, 1, 5))
	if !d.Next() {
		t.Fatal("no field")
	}
	if s := d.String(); s != "" || d.Err() == nil {
		t.Fatalf("String of a varint field: %q, err %v", s, d.Err())
	}
	if d.Next() {
		t.Fatal("Next after an error")
	}
}

func TestZigZag(t *testing.T) {
	for _, v := range []int64{0, -1, 1, -2, 2, math.MaxInt64, math.MinInt64, math.MaxInt32, math.MinInt32} {
		if got := DecodeZigZag(EncodeZigZag(v)); got != v {
			t.Errorf("zigzag(%d) round trip = %d", v, got)
		}
	}
	if EncodeZigZag(-1) != 1 || EncodeZigZag(1) != 2 || EncodeZigZag(math.MinInt32) != math.MaxUint32 {
		t.Fatal("zigzag mapping")
	}
}

func TestPackedVarints(t *testing.T) {
	var packed []byte
	want := []uint64{0, 1, 300, math.MaxUint64}
	for _, v := range want {
		packed = AppendRawVarint(packed, v)
	}
	got, err := PackedVarints(nil, packed)
	if err != nil || len(got) != 4 || got[2] != 300 || got[3] != math.MaxUint64 {
		t.Fatalf("%v %v", got, err)
	}
	if _, err := PackedVarints(nil, []byte{0x80}); !errors.Is(err, ErrTruncated) {
		t.Fatal(err)
	}
}

// field is one decoded field, for round-trip checks.
type field struct {
	num int
	typ Type
	val []byte
}

func decodeAll(msg []byte) ([]field, error) {
	var fields []field
	d := NewDecoder(msg)
	for d.Next() {
		fields = append(fields, field{d.Field(), d.Type(), d.value})
	}
	return fields, d.Err()
}

func encodeAll(fields []field) []byte {
	var b []byte
	for _, f := range fields {
		b = AppendTag(b, f.num, f.typ)
		switch f.typ {
		case VarintType:
			v, _ := ConsumeVarint(f.val)
			b = AppendRawVarint(b, v)
		case BytesType:
			b = AppendRawBytes(b, f.val)
		default: // fixed and groups: their bytes as they were
			b = append(b, f.val...)
		}
	}
	return b
}

func TestRandomMessagesRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		var fields []field
		var msg []byte
		for j := r.IntN(8); j > 0; j-- {
			num := 1 + r.IntN(MaxField)
			switch r.IntN(4) {
			case 0:
				v := r.Uint64() >> r.IntN(64)
				msg = AppendVarintValue(msg, num, v)
				fields = append(fields, field{num, VarintType, AppendRawVarint(nil, v)})
			case 1:
				v := make([]byte, r.IntN(300))
				for k := range v {
					v[k] = byte(r.Uint32())
				}
				msg = AppendRawBytes(AppendTag(msg, num, BytesType), v)
				fields = append(fields, field{num, BytesType, v})
			case 2:
				v := r.Uint32()
				msg = AppendRawFixed32(AppendTag(msg, num, Fixed32Type), v)
				fields = append(fields, field{num, Fixed32Type, AppendRawFixed32(nil, v)})
			default:
				v := r.Uint64()
				msg = AppendFixed64Value(msg, num, v)
				fields = append(fields, field{num, Fixed64Type, AppendRawFixed64(nil, v)})
			}
		}
		got, err := decodeAll(msg)
		if err != nil || len(got) != len(fields) {
			t.Fatalf("message %d: %d fields, err %v", i, len(got), err)
		}
		for k := range got {
			if got[k].num != fields[k].num || got[k].typ != fields[k].typ || !bytes.Equal(got[k].val, fields[k].val) {
				t.Fatalf("message %d field %d: %+v, want %+v", i, k, got[k], fields[k])
			}
		}
	}
}

// FuzzDecoder: any input either decodes or reports an error, never panics; what decodes
// re-encodes to a message that decodes to the same fields.
func FuzzDecoder(f *testing.F) {
	for _, seed := range []string{"089601", "120774657374696e67", "1a03089601", "0b1b08011c0c1001", "08ffffffffffffffffff01", "0a05616263", ""} {
		raw, _ := hex.DecodeString(seed)
		f.Add(raw)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		fields, err := decodeAll(msg)
		if err != nil {
			return
		}
		again, err := decodeAll(encodeAll(fields))
		if err != nil || len(again) != len(fields) {
			t.Fatalf("re-encoded message: %d fields (want %d), err %v", len(again), len(fields), err)
		}
		for i := range again {
			if again[i].num != fields[i].num || again[i].typ != fields[i].typ {
				t.Fatalf("field %d changed: %+v vs %+v", i, again[i], fields[i])
			}
		}
		// Every accessor is safe on every field.
		d := NewDecoder(msg)
		for d.Next() {
			switch d.Type() {
			case VarintType:
				d.Uint64()
			case Fixed32Type:
				d.Fixed32()
			case Fixed64Type:
				d.Double()
			case BytesType:
				sub := NewDecoder(d.Bytes())
				for sub.Next() {
				}
				PackedVarints(nil, d.Bytes())
			}
		}
	})
}
