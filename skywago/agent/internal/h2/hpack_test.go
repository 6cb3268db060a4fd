package h2

import (
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func fieldsString(fields []HeaderField) string { return headerListString(fields) }

// RFC 7541 Appendix C.4: three requests with Huffman coding on one connection; the dynamic
// table carries entries from one block to the next.
func TestRFC7541RequestExamplesWithHuffman(t *testing.T) {
	d := NewDecoder(4096, 0)
	for _, c := range []struct{ block, want string }{
		{"8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
			":method: \"GET\"\n:scheme: \"http\"\n:path: \"/\"\n:authority: \"www.example.com\"\n"},
		{"8286 84be 5886 a8eb 1064 9cbf",
			":method: \"GET\"\n:scheme: \"http\"\n:path: \"/\"\n:authority: \"www.example.com\"\ncache-control: \"no-cache\"\n"},
		{"8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
			":method: \"GET\"\n:scheme: \"https\"\n:path: \"/index.html\"\n:authority: \"www.example.com\"\ncustom-key: \"custom-value\"\n"},
	} {
		fields, err := d.Decode(mustHex(t, c.block))
		if err != nil {
			t.Fatalf("%s: %v", c.block, err)
		}
		if got := fieldsString(fields); got != c.want {
			t.Fatalf("%s:\n%s\nwant\n%s", c.block, got, c.want)
		}
	}
	// After C.4.3 the table holds custom-key, cache-control, :authority (newest first): 164 bytes.
	if d.tableSize != 54+53+57 || len(d.dynamic) != 3 {
		t.Fatalf("table size %d, %d entries", d.tableSize, len(d.dynamic))
	}
}

// appendIndexed is a test-only encoder of "literal with incremental indexing" (the agent's
// encoder never indexes).
func appendIndexed(b []byte, name, value string) []byte {
	b = append(b, 0x40)
	return appendString(appendString(b, name), value)
}

func TestDynamicTableEvictionAndSizeUpdate(t *testing.T) {
	d := NewDecoder(100, 0)
	block := appendIndexed(nil, "aaaa", "1111")  // 40 bytes
	block = appendIndexed(block, "bbbb", "2222") // 80
	block = appendIndexed(block, "cccc", "3333") // 120 > 100: evicts aaaa
	if _, err := d.Decode(block); err != nil {
		t.Fatal(err)
	}
	if len(d.dynamic) != 2 || d.tableSize != 80 {
		t.Fatalf("%d entries, %d bytes", len(d.dynamic), d.tableSize)
	}
	// Index 62 is the newest (cccc), 63 the next (bbbb); 64 was evicted.
	fields, err := d.Decode([]byte{0x80 | 62, 0x80 | 63})
	if err != nil || fields[0].Name != "cccc" || fields[1].Value != "2222" {
		t.Fatalf("%v %v", fields, err)
	}
	if _, err := d.Decode([]byte{0x80 | 64}); !errors.Is(err, ErrHeaderIndex) {
		t.Fatalf("evicted entry: %v", err)
	}
	// A size update to 40 keeps only the newest entry; above the announced size it is an error.
	if _, err := d.Decode([]byte{0x20 | 31, 40 - 31}); err != nil || len(d.dynamic) != 1 {
		t.Fatalf("size update: %v, %d entries", err, len(d.dynamic))
	}
	if _, err := d.Decode(appendInteger(nil, 0x20, 5, 101)); !errors.Is(err, ErrTableSize) {
		t.Fatalf("oversized update: %v", err)
	}
	// A size update after the first field of a block is out of place.
	if _, err := d.Decode([]byte{0x82, 0x20}); !errors.Is(err, ErrTableSize) {
		t.Fatalf("late update: %v", err)
	}
	// An entry larger than the table empties it.
	if _, err := d.Decode(appendIndexed(nil, strings.Repeat("x", 50), "y")); err != nil || len(d.dynamic) != 0 || d.tableSize != 0 {
		t.Fatalf("oversized entry: %v, %d entries", err, len(d.dynamic))
	}
}

func TestEncoderRoundTrip(t *testing.T) {
	fields := []HeaderField{
		{Name: ":method", Value: "POST"}, // static exact match: one byte
		{Name: ":path", Value: "/skywalking.v3.TraceSegmentReportService/collect"},
		{Name: "content-type", Value: "application/grpc"},
		{Name: "authentication", Value: "s3cr3t", Sensitive: true},
		{Name: "x-empty", Value: ""},
		{Name: "x-binary", Value: "\x00\xff\x7f\n"},
		{Name: "x-long", Value: strings.Repeat("abc", 1000)},
	}
	var block []byte
	for _, f := range fields {
		block = AppendHeaderField(block, f)
	}
	if block[0] != 0x83 {
		t.Fatalf(":method POST should be static index 3, got %x", block[0])
	}
	got, err := NewDecoder(4096, 0).Decode(block)
	if err != nil {
		t.Fatal(err)
	}
	if fieldsString(got) != fieldsString(fields) || !got[3].Sensitive {
		t.Fatalf("round trip:\n%s", fieldsString(got))
	}
}

func TestHuffmanRoundTripAndErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 3000; i++ {
		b := make([]byte, r.IntN(64))
		for j := range b {
			if i%2 == 0 {
				b[j] = byte(r.Uint32())
			} else {
				b[j] = "abcdefghijklmnopqrstuvwxyz0123456789/-_.:"[r.IntN(41)]
			}
		}
		enc := appendHuffman(nil, string(b))
		if len(enc) != huffmanEncodedLen(string(b)) {
			t.Fatal("encoded length")
		}
		dec, err := huffmanDecode(enc, 0)
		if err != nil || dec != string(b) {
			t.Fatalf("%q: %q %v", b, dec, err)
		}
	}
	// "www.example.com" from RFC 7541 C.4.1.
	if got := hex.EncodeToString(appendHuffman(nil, "www.example.com")); got != "f1e3c2e5f23a6ba0ab90f4ff" {
		t.Fatalf("huffman(www.example.com) = %s", got)
	}
	for name, raw := range map[string][]byte{
		"padding of zeros":      {0x00},                   // '0' (00000) then 000 padding: not EOS bits
		"eight bits of padding": {0xff},                   // a whole byte of padding
		"EOS in the string":     {0xff, 0xff, 0xff, 0xff}, // 30 ones = EOS
	} {
		if _, err := huffmanDecode(raw, 0); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestDecoderLimits(t *testing.T) {
	d := NewDecoder(4096, 100)
	if _, err := d.Decode(AppendHeaderField(nil, HeaderField{Name: "x", Value: strings.Repeat("v", 200)})); !errors.Is(err, ErrHeaderTooBig) {
		t.Fatalf("long value: %v", err)
	}
	var block []byte
	for i := 0; i < 5; i++ {
		block = AppendHeaderField(block, HeaderField{Name: "x", Value: "0123456789"})
	}
	if _, err := d.Decode(block); !errors.Is(err, ErrHeaderTooBig) {
		t.Fatalf("long list: %v", err)
	}
	for _, raw := range []string{"ff", "ffffffffffffff", "40", "4005", "0085", "be", "80"} {
		if _, err := NewDecoder(4096, 0).Decode(mustHex(t, raw)); err == nil {
			t.Errorf("%s accepted", raw)
		}
	}
}

// FuzzHPACKDecode: any block decodes or fails, never panics, and the table stays within its
// size; what decodes re-encodes (statelessly) to a block that decodes to the same list.
func FuzzHPACKDecode(f *testing.F) {
	for _, seed := range []string{"82868441 8cf1e3c2 e5f23a6b a0ab90f4 ff", "8286 84be 5886 a8eb 1064 9cbf", "3fe11f", "4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf", "00", "be"} {
		f.Add(mustHex(f, seed))
	}
	f.Fuzz(func(t *testing.T, block []byte) {
		d := NewDecoder(4096, 1<<16)
		fields, err := d.Decode(block)
		if d.tableSize > d.maxTable || d.maxTable > 4096 {
			t.Fatalf("table %d > max %d", d.tableSize, d.maxTable)
		}
		if err != nil {
			return
		}
		var again []byte
		for _, f := range fields {
			again = AppendHeaderField(again, f)
		}
		got, err := NewDecoder(4096, 1<<16).Decode(again)
		if err != nil || fieldsString(got) != fieldsString(fields) {
			t.Fatalf("re-encoded list differs (%v)", err)
		}
	})
}

// FuzzHuffman: decoding arbitrary bytes never panics; encoding then decoding is the identity.
func FuzzHuffman(f *testing.F) {
	f.Add([]byte("www.example.com"))
	f.Add([]byte{0xff, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		huffmanDecode(b, 1<<16)
		dec, err := huffmanDecode(appendHuffman(nil, string(b)), 0)
		if err != nil || dec != string(b) {
			t.Fatalf("round trip of %q: %q %v", b, dec, err)
		}
	})
}
