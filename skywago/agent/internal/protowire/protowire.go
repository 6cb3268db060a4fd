// Package protowire encodes and decodes the protocol buffers wire format, standard library only.
// It is the agent's one copy of protobuf: the SkyWalking gRPC reporter and the OTLP exporters
// write their messages with it, field by field, from the field numbers of the .proto files.
//
// Encoding appends to a byte slice and never fails:
//
//	b = protowire.AppendString(b, 1, seg.traceID)          // field 1, omitted when ""
//	b = protowire.AppendMessage(b, 3, func(b []byte) []byte {
//		return protowire.AppendVarint(b, 1, uint64(spanID)) // an embedded message, field 3
//	})
//
// The Append<Kind>(b, field, value) helpers follow proto3: a zero value is not written (use
// the Append<Kind>Value forms, or AppendTag and the raw helpers, for repeated scalars and for
// fields that must be present). int32 and int64 are varints of their two's complement (a
// negative int32 takes ten bytes, as protobuf requires); sint32/sint64 use ZigZag.
//
// Decoding walks a message field by field with a Decoder, which never panics on malformed
// input and reports the first error from Err:
//
//	d := protowire.NewDecoder(msg)
//	for d.Next() {
//		switch d.Field() {
//		case 1:
//			name = d.String()
//		case 2:
//			sub := protowire.NewDecoder(d.Bytes()) // an embedded message
//			...
//		default:
//			d.Skip()
//		}
//	}
//	if err := d.Err(); err != nil { ... }
//
// A value accessor of the wrong wire type for the current field (String on a varint field)
// records an error instead of guessing. Fields not read are skipped by the next Next.
package protowire

import (
	"errors"
	"math"
	"strconv"
)

// Type is a wire type.
type Type uint8

const (
	VarintType     Type = 0
	Fixed64Type    Type = 1
	BytesType      Type = 2 // length-delimited: strings, bytes, embedded messages, packed repeated
	StartGroupType Type = 3 // deprecated groups: only skipped by the decoder
	EndGroupType   Type = 4
	Fixed32Type    Type = 5
)

// MaxField is the largest field number protobuf allows.
const MaxField = 1<<29 - 1

// maxGroupDepth bounds how deeply nested groups Skip follows.
const maxGroupDepth = 100

// ---------------------------------------------------------------------------------------------
// Encoding: raw values.

// AppendTag appends the key of a field: its number and wire type.
func AppendTag(b []byte, field int, t Type) []byte {
	return AppendRawVarint(b, uint64(field)<<3|uint64(t&7))
}

// AppendRawVarint appends v as a base-128 varint (no tag).
func AppendRawVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// SizeVarint is the number of bytes AppendRawVarint writes for v.
func SizeVarint(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// AppendRawFixed32 appends v little-endian (no tag).
func AppendRawFixed32(b []byte, v uint32) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
}

// AppendRawFixed64 appends v little-endian (no tag).
func AppendRawFixed64(b []byte, v uint64) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
}

// AppendRawBytes appends v with its length prefix (no tag).
func AppendRawBytes(b []byte, v []byte) []byte {
	return append(AppendRawVarint(b, uint64(len(v))), v...)
}

// EncodeZigZag maps a signed integer to the unsigned one sint32/sint64 fields carry.
func EncodeZigZag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

// DecodeZigZag inverts EncodeZigZag.
func DecodeZigZag(v uint64) int64 { return int64(v>>1) ^ -int64(v&1) }

// ---------------------------------------------------------------------------------------------
// Encoding: proto3 fields. A zero value is not written (proto3's implicit presence).

// AppendVarint appends a uint32/uint64/enum field holding v, omitted when 0.
func AppendVarint(b []byte, field int, v uint64) []byte {
	if v == 0 {
		return b
	}
	return AppendVarintValue(b, field, v)
}

// AppendVarintValue appends a varint field even when v is 0 (repeated, or explicit presence).
func AppendVarintValue(b []byte, field int, v uint64) []byte {
	return AppendRawVarint(AppendTag(b, field, VarintType), v)
}

// AppendInt32 appends an int32 field (negative values sign-extend to ten bytes), omitted when 0.
func AppendInt32(b []byte, field int, v int32) []byte {
	return AppendVarint(b, field, uint64(int64(v)))
}

// AppendInt64 appends an int64 field, omitted when 0.
func AppendInt64(b []byte, field int, v int64) []byte { return AppendVarint(b, field, uint64(v)) }

// AppendSint64 appends a sint32/sint64 field (ZigZag), omitted when 0.
func AppendSint64(b []byte, field int, v int64) []byte {
	return AppendVarint(b, field, EncodeZigZag(v))
}

// AppendBool appends a bool field, omitted when false.
func AppendBool(b []byte, field int, v bool) []byte {
	if !v {
		return b
	}
	return AppendVarintValue(b, field, 1)
}

// AppendFixed32 appends a fixed32/sfixed32 field, omitted when 0.
func AppendFixed32(b []byte, field int, v uint32) []byte {
	if v == 0 {
		return b
	}
	return AppendRawFixed32(AppendTag(b, field, Fixed32Type), v)
}

// AppendFixed64 appends a fixed64/sfixed64 field, omitted when 0.
func AppendFixed64(b []byte, field int, v uint64) []byte {
	if v == 0 {
		return b
	}
	return AppendFixed64Value(b, field, v)
}

// AppendFixed64Value appends a fixed64 field even when v is 0.
func AppendFixed64Value(b []byte, field int, v uint64) []byte {
	return AppendRawFixed64(AppendTag(b, field, Fixed64Type), v)
}

// AppendDouble appends a double field, omitted when +0.
func AppendDouble(b []byte, field int, v float64) []byte {
	return AppendFixed64(b, field, math.Float64bits(v))
}

// AppendString appends a string field, omitted when "".
func AppendString(b []byte, field int, s string) []byte {
	if s == "" {
		return b
	}
	return AppendStringValue(b, field, s)
}

// AppendStringValue appends a string field even when s is "" (an element of a repeated field).
func AppendStringValue(b []byte, field int, s string) []byte {
	b = AppendRawVarint(AppendTag(b, field, BytesType), uint64(len(s)))
	return append(b, s...)
}

// AppendBytes appends a bytes field, omitted when empty.
func AppendBytes(b []byte, field int, v []byte) []byte {
	if len(v) == 0 {
		return b
	}
	return AppendRawBytes(AppendTag(b, field, BytesType), v)
}

// AppendMessage appends an embedded message field whose body encode appends. The field is
// written even when the body is empty (a present, empty message), as repeated elements need.
//
// The length prefix is written in place: one byte is reserved, and the body is moved only when
// it turns out to be 128 bytes or longer.
func AppendMessage(b []byte, field int, encode func(b []byte) []byte) []byte {
	b = append(AppendTag(b, field, BytesType), 0)
	start := len(b)
	b = encode(b)
	n := len(b) - start
	if n < 0x80 {
		b[start-1] = byte(n)
		return b
	}
	extra := SizeVarint(uint64(n)) - 1
	for i := 0; i < extra; i++ {
		b = append(b, 0)
	}
	copy(b[start+extra:], b[start:start+n])
	AppendRawVarint(b[:start-1], uint64(n))
	return b
}

// ---------------------------------------------------------------------------------------------
// Decoding.

// Errors the decoder reports.
var (
	ErrTruncated = errors.New("protowire: truncated message")
	ErrOverflow  = errors.New("protowire: varint overflows 64 bits")
	ErrFieldZero = errors.New("protowire: invalid field number")
	ErrWireType  = errors.New("protowire: invalid wire type")
	ErrGroup     = errors.New("protowire: unbalanced or too deeply nested group")
)

// ConsumeVarint decodes a varint at the start of b and returns it and its length; the length
// is negative (an error, see ParseError) when b is truncated or the varint overflows.
func ConsumeVarint(b []byte) (uint64, int) {
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		c := b[i]
		if i == 9 && c > 1 {
			return 0, errOverflow
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1
		}
	}
	if len(b) >= 10 {
		return 0, errOverflow
	}
	return 0, errTruncated
}

// ConsumeTag decodes a field key.
func ConsumeTag(b []byte) (field int, t Type, n int) {
	v, n := ConsumeVarint(b)
	if n < 0 {
		return 0, 0, n
	}
	if v>>3 == 0 || v>>3 > MaxField {
		return 0, 0, errFieldZero
	}
	return int(v >> 3), Type(v & 7), n
}

// ConsumeBytes decodes a length-prefixed value; the result aliases b.
func ConsumeBytes(b []byte) ([]byte, int) {
	length, n := ConsumeVarint(b)
	if n < 0 {
		return nil, n
	}
	if length > uint64(len(b)-n) {
		return nil, errTruncated
	}
	return b[n : n+int(length)], n + int(length)
}

// ConsumeFieldValue returns the length of the value of a field (number field, type t) at the
// start of b, groups included; negative on malformed input.
func ConsumeFieldValue(field int, t Type, b []byte) int {
	return consumeFieldValue(field, t, b, 0)
}

func consumeFieldValue(field int, t Type, b []byte, depth int) int {
	switch t {
	case VarintType:
		_, n := ConsumeVarint(b)
		return n
	case Fixed32Type:
		if len(b) < 4 {
			return errTruncated
		}
		return 4
	case Fixed64Type:
		if len(b) < 8 {
			return errTruncated
		}
		return 8
	case BytesType:
		_, n := ConsumeBytes(b)
		return n
	case StartGroupType:
		if depth >= maxGroupDepth {
			return errGroup
		}
		total := 0
		for {
			f, ft, n := ConsumeTag(b[total:])
			if n < 0 {
				return n
			}
			total += n
			if ft == EndGroupType {
				if f != field {
					return errGroup
				}
				return total
			}
			m := consumeFieldValue(f, ft, b[total:], depth+1)
			if m < 0 {
				return m
			}
			total += m
		}
	case EndGroupType:
		return errGroup
	default:
		return errWireType
	}
}

// Negative lengths returned by the Consume functions.
const (
	errTruncated = -1 - iota
	errOverflow
	errFieldZero
	errWireType
	errGroup
)

// ParseError turns a negative length from a Consume function into its error (nil otherwise).
func ParseError(n int) error {
	switch {
	case n >= 0:
		return nil
	case n == errTruncated:
		return ErrTruncated
	case n == errOverflow:
		return ErrOverflow
	case n == errFieldZero:
		return ErrFieldZero
	case n == errWireType:
		return ErrWireType
	default:
		return ErrGroup
	}
}

// Decoder walks the fields of one message. The zero Decoder is an empty message.
type Decoder struct {
	buf   []byte
	field int
	typ   Type
	value []byte // the current field's value bytes (for bytes fields: without the length)
	read  bool   // the current value was consumed by an accessor
	err   error
}

// NewDecoder returns a Decoder over msg (which it aliases, never modifies).
func NewDecoder(msg []byte) *Decoder { return &Decoder{buf: msg} }

// Next advances to the next field, skipping the rest of the current one; false at the end of
// the message or on the first error.
func (d *Decoder) Next() bool {
	if d.err != nil || len(d.buf) == 0 {
		return false
	}
	field, t, n := ConsumeTag(d.buf)
	if n < 0 {
		return d.fail(ParseError(n))
	}
	rest := d.buf[n:]
	m := ConsumeFieldValue(field, t, rest)
	if m < 0 {
		return d.fail(ParseError(m))
	}
	d.field, d.typ, d.read = field, t, false
	d.value = rest[:m]
	if t == BytesType {
		d.value, _ = ConsumeBytes(rest[:m])
	}
	d.buf = rest[m:]
	return true
}

func (d *Decoder) fail(err error) bool {
	if d.err == nil {
		d.err = err
	}
	d.buf = nil
	return false
}

// Field is the current field's number.
func (d *Decoder) Field() int { return d.field }

// Type is the current field's wire type.
func (d *Decoder) Type() Type { return d.typ }

// Err is the first error met (nil when the message was well formed so far).
func (d *Decoder) Err() error { return d.err }

// Skip leaves the current field unread (Next does the same; Skip says so in a switch).
func (d *Decoder) Skip() {}

func (d *Decoder) expect(t Type) bool {
	if d.typ != t {
		d.fail(errors.New("protowire: field " + strconv.Itoa(d.field) + " has wire type " +
			strconv.Itoa(int(d.typ)) + ", read as " + strconv.Itoa(int(t))))
		return false
	}
	return true
}

// Uint64 reads a varint field (uint32, uint64, int32, int64, bool, enum). A packed repeated
// field arrives as bytes: read it with Bytes and PackedVarints.
func (d *Decoder) Uint64() uint64 {
	if !d.expect(VarintType) {
		return 0
	}
	v, _ := ConsumeVarint(d.value)
	return v
}

// Int64 reads an int64 (or int32, negative values included) varint field.
func (d *Decoder) Int64() int64 { return int64(d.Uint64()) }

// Int32 reads an int32 varint field.
func (d *Decoder) Int32() int32 { return int32(d.Uint64()) }

// Sint64 reads a sint32/sint64 (ZigZag) field.
func (d *Decoder) Sint64() int64 { return DecodeZigZag(d.Uint64()) }

// Bool reads a bool field.
func (d *Decoder) Bool() bool { return d.Uint64() != 0 }

// Fixed32 reads a fixed32/sfixed32/float field.
func (d *Decoder) Fixed32() uint32 {
	if !d.expect(Fixed32Type) {
		return 0
	}
	v := d.value
	return uint32(v[0]) | uint32(v[1])<<8 | uint32(v[2])<<16 | uint32(v[3])<<24
}

// Fixed64 reads a fixed64/sfixed64/double field.
func (d *Decoder) Fixed64() uint64 {
	if !d.expect(Fixed64Type) {
		return 0
	}
	v := d.value
	return uint64(v[0]) | uint64(v[1])<<8 | uint64(v[2])<<16 | uint64(v[3])<<24 |
		uint64(v[4])<<32 | uint64(v[5])<<40 | uint64(v[6])<<48 | uint64(v[7])<<56
}

// Double reads a double field.
func (d *Decoder) Double() float64 { return math.Float64frombits(d.Fixed64()) }

// Bytes reads a length-delimited field (bytes, an embedded message, a packed repeated field);
// the result aliases the message.
func (d *Decoder) Bytes() []byte {
	if !d.expect(BytesType) {
		return nil
	}
	return d.value
}

// String reads a string field (the bytes as they are: protobuf's UTF-8 check is the caller's).
func (d *Decoder) String() string { return string(d.Bytes()) }

// PackedVarints decodes a packed repeated varint field's bytes, appending to dst.
func PackedVarints(dst []uint64, packed []byte) ([]uint64, error) {
	for len(packed) > 0 {
		v, n := ConsumeVarint(packed)
		if n < 0 {
			return dst, ParseError(n)
		}
		dst = append(dst, v)
		packed = packed[n:]
	}
	return dst, nil
}
