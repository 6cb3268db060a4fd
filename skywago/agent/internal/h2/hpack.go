package h2

import (
	"errors"
	"strconv"
)

// HPACK (RFC 7541): header compression for HTTP/2.
//
// The encoder is stateless: it uses the static table (an exact match becomes one byte, a
// matching name its index) and sends every other field as a literal "without indexing" (or
// "never indexed" when sensitive), Huffman-coded when that is shorter. It never adds to the
// peer's dynamic table, so the peer's SETTINGS_HEADER_TABLE_SIZE never matters to it.
//
// The decoder is complete: indexed fields, literals with and without indexing, the dynamic
// table with eviction and size updates, and Huffman-coded strings. It bounds what a peer can
// make it hold (string length, header list size, table size).

// HeaderField is one header (name lower-case, as HTTP/2 requires).
type HeaderField struct {
	Name, Value string
	Sensitive   bool // encode as "never indexed" (credentials)
}

// size is the field's size for the dynamic table (RFC 7541 section 4.1).
func (f HeaderField) size() int { return len(f.Name) + len(f.Value) + 32 }

// staticTable is RFC 7541 Appendix A; index i+1 is staticTable[i].
var staticTable = [...]HeaderField{
	{Name: ":authority"}, {Name: ":method", Value: "GET"}, {Name: ":method", Value: "POST"},
	{Name: ":path", Value: "/"}, {Name: ":path", Value: "/index.html"}, {Name: ":scheme", Value: "http"},
	{Name: ":scheme", Value: "https"}, {Name: ":status", Value: "200"}, {Name: ":status", Value: "204"},
	{Name: ":status", Value: "206"}, {Name: ":status", Value: "304"}, {Name: ":status", Value: "400"},
	{Name: ":status", Value: "404"}, {Name: ":status", Value: "500"}, {Name: "accept-charset"},
	{Name: "accept-encoding", Value: "gzip, deflate"}, {Name: "accept-language"}, {Name: "accept-ranges"},
	{Name: "accept"}, {Name: "access-control-allow-origin"}, {Name: "age"}, {Name: "allow"},
	{Name: "authorization"}, {Name: "cache-control"}, {Name: "content-disposition"},
	{Name: "content-encoding"}, {Name: "content-language"}, {Name: "content-length"},
	{Name: "content-location"}, {Name: "content-range"}, {Name: "content-type"}, {Name: "cookie"},
	{Name: "date"}, {Name: "etag"}, {Name: "expect"}, {Name: "expires"}, {Name: "from"}, {Name: "host"},
	{Name: "if-match"}, {Name: "if-modified-since"}, {Name: "if-none-match"}, {Name: "if-range"},
	{Name: "if-unmodified-since"}, {Name: "last-modified"}, {Name: "link"}, {Name: "location"},
	{Name: "max-forwards"}, {Name: "proxy-authenticate"}, {Name: "proxy-authorization"}, {Name: "range"},
	{Name: "referer"}, {Name: "refresh"}, {Name: "retry-after"}, {Name: "server"}, {Name: "set-cookie"},
	{Name: "strict-transport-security"}, {Name: "transfer-encoding"}, {Name: "user-agent"}, {Name: "vary"},
	{Name: "via"}, {Name: "www-authenticate"},
}

// ---------------------------------------------------------------------------------------------
// Encoding.

// AppendHeaderField appends f's encoding to a header block.
func AppendHeaderField(b []byte, f HeaderField) []byte {
	nameIndex := 0
	for i, s := range staticTable {
		if s.Name != f.Name {
			continue
		}
		if s.Value == f.Value && !f.Sensitive {
			return appendInteger(b, 0x80, 7, uint64(i+1)) // indexed
		}
		if nameIndex == 0 {
			nameIndex = i + 1
		}
	}
	first := byte(0x00) // literal without indexing
	if f.Sensitive {
		first = 0x10 // never indexed
	}
	b = appendInteger(b, first, 4, uint64(nameIndex))
	if nameIndex == 0 {
		b = appendString(b, f.Name)
	}
	return appendString(b, f.Value)
}

// appendInteger appends v with an N-bit prefix (RFC 7541 section 5.1); first holds the bits
// above the prefix.
func appendInteger(b []byte, first byte, n uint, v uint64) []byte {
	max := uint64(1)<<n - 1
	if v < max {
		return append(b, first|byte(v))
	}
	b = append(b, first|byte(max))
	v -= max
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

// appendString appends a string literal, Huffman-coded when that is shorter.
func appendString(b []byte, s string) []byte {
	if n := huffmanEncodedLen(s); n < len(s) {
		b = appendInteger(b, 0x80, 7, uint64(n))
		return appendHuffman(b, s)
	}
	b = appendInteger(b, 0, 7, uint64(len(s)))
	return append(b, s...)
}

// ---------------------------------------------------------------------------------------------
// Decoding.

// Decoding errors (a connection error COMPRESSION_ERROR in HTTP/2 terms).
var (
	ErrHeaderBlock   = errors.New("hpack: malformed header block")
	ErrHeaderIndex   = errors.New("hpack: invalid table index")
	ErrHeaderTooBig  = errors.New("hpack: header list exceeds the limit")
	ErrTableSize     = errors.New("hpack: dynamic table size update above the limit or out of place")
	ErrHuffman       = errors.New("hpack: invalid Huffman code")
	errIntegerTooBig = errors.New("hpack: integer overflow")
)

// Decoder decodes header blocks; one per connection (its dynamic table is the peer's
// encoder's). The zero value is not usable: use NewDecoder.
type Decoder struct {
	dynamic     []HeaderField // newest last
	tableSize   int           // sum of the entries' sizes
	maxTable    int           // current maximum, set by size updates
	allowedMax  int           // what we announced (SETTINGS_HEADER_TABLE_SIZE)
	MaxListSize int           // limit on the decoded header list (sizes as in SETTINGS_MAX_HEADER_LIST_SIZE)
}

// NewDecoder makes a decoder for the table size announced to the peer (4096 is HTTP/2's
// default) and a header list limit.
func NewDecoder(tableSize, maxListSize int) *Decoder {
	return &Decoder{maxTable: tableSize, allowedMax: tableSize, MaxListSize: maxListSize}
}

// Decode decodes one complete header block (HEADERS plus CONTINUATION payloads, joined).
func (d *Decoder) Decode(block []byte) ([]HeaderField, error) {
	var fields []HeaderField
	listSize := 0
	sizeUpdateAllowed := true
	for len(block) > 0 {
		c := block[0]
		var f HeaderField
		var err error
		switch {
		case c&0x80 != 0: // indexed
			var index uint64
			index, block, err = readInteger(block, 7)
			if err != nil {
				return nil, err
			}
			if f, err = d.at(index); err != nil {
				return nil, err
			}
		case c&0xe0 == 0x20: // dynamic table size update
			var size uint64
			size, block, err = readInteger(block, 5)
			if err != nil {
				return nil, err
			}
			if !sizeUpdateAllowed || size > uint64(d.allowedMax) {
				return nil, ErrTableSize
			}
			d.maxTable = int(size)
			d.evict(0)
			continue
		default:
			prefix, index := uint(4), false
			if c&0xc0 == 0x40 {
				prefix, index = 6, true // with incremental indexing
			}
			sensitive := c&0xf0 == 0x10
			if f, block, err = d.readLiteral(block, prefix); err != nil {
				return nil, err
			}
			f.Sensitive = sensitive
			if index {
				d.add(f)
			}
		}
		sizeUpdateAllowed = false
		listSize += f.size()
		if d.MaxListSize > 0 && listSize > d.MaxListSize {
			return nil, ErrHeaderTooBig
		}
		fields = append(fields, f)
	}
	return fields, nil
}

func (d *Decoder) readLiteral(block []byte, prefix uint) (HeaderField, []byte, error) {
	index, rest, err := readInteger(block, prefix)
	if err != nil {
		return HeaderField{}, nil, err
	}
	var f HeaderField
	if index == 0 {
		if f.Name, rest, err = d.readString(rest); err != nil {
			return HeaderField{}, nil, err
		}
	} else {
		named, err := d.at(index)
		if err != nil {
			return HeaderField{}, nil, err
		}
		f.Name = named.Name
	}
	if f.Value, rest, err = d.readString(rest); err != nil {
		return HeaderField{}, nil, err
	}
	return f, rest, nil
}

func (d *Decoder) readString(b []byte) (string, []byte, error) {
	if len(b) == 0 {
		return "", nil, ErrHeaderBlock
	}
	huffman := b[0]&0x80 != 0
	n, rest, err := readInteger(b, 7)
	if err != nil {
		return "", nil, err
	}
	if n > uint64(len(rest)) {
		return "", nil, ErrHeaderBlock
	}
	raw := rest[:n]
	rest = rest[n:]
	if d.MaxListSize > 0 && len(raw) > d.MaxListSize {
		return "", nil, ErrHeaderTooBig
	}
	if !huffman {
		return string(raw), rest, nil
	}
	s, err := huffmanDecode(raw, d.MaxListSize)
	return s, rest, err
}

// at returns the field at a 1-based index into the static then the dynamic table.
func (d *Decoder) at(index uint64) (HeaderField, error) {
	if index == 0 {
		return HeaderField{}, ErrHeaderIndex
	}
	if index <= uint64(len(staticTable)) {
		return staticTable[index-1], nil
	}
	i := index - uint64(len(staticTable)) - 1 // 0: newest
	if i >= uint64(len(d.dynamic)) {
		return HeaderField{}, ErrHeaderIndex
	}
	return d.dynamic[len(d.dynamic)-1-int(i)], nil
}

// add inserts f as the newest entry, evicting the oldest as needed; a field larger than the
// whole table empties it (RFC 7541 section 4.4).
func (d *Decoder) add(f HeaderField) {
	f.Sensitive = false
	if f.size() > d.maxTable {
		d.dynamic = d.dynamic[:0]
		d.tableSize = 0
		return
	}
	d.evict(f.size())
	d.dynamic = append(d.dynamic, f)
	d.tableSize += f.size()
}

// evict drops the oldest entries until room more bytes fit.
func (d *Decoder) evict(room int) {
	drop := 0
	for d.tableSize+room > d.maxTable && drop < len(d.dynamic) {
		d.tableSize -= d.dynamic[drop].size()
		drop++
	}
	if drop > 0 {
		d.dynamic = append(d.dynamic[:0], d.dynamic[drop:]...)
	}
}

// readInteger decodes an integer with an N-bit prefix.
func readInteger(b []byte, n uint) (uint64, []byte, error) {
	if len(b) == 0 {
		return 0, nil, ErrHeaderBlock
	}
	max := uint64(1)<<n - 1
	v := uint64(b[0]) & max
	b = b[1:]
	if v < max {
		return v, b, nil
	}
	for shift := uint(0); ; shift += 7 {
		if len(b) == 0 {
			return 0, nil, ErrHeaderBlock
		}
		if shift > 28 { // values beyond 2^35 make no sense for lengths or indexes
			return 0, nil, errIntegerTooBig
		}
		c := b[0]
		b = b[1:]
		v += uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, b, nil
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Huffman coding (RFC 7541 Appendix B). The code is canonical: symbols sorted by code length,
// then by value, take consecutive codes. So the table below, each symbol's code length in
// bits (symbols 0..255, then EOS), defines it completely; the codes are derived at init.

var huffmanLengths = [257]uint8{
	13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
	6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
	13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
	15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
	20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
	22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
	26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
	20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
	30, // EOS
}

const huffmanEOS = 256

var (
	huffmanCodes [257]uint32
	// Canonical decoding tables, per code length L (5..30): the first code of length L, how
	// many codes have that length, and where their symbols start in huffmanSorted.
	huffmanFirst  [31]uint32
	huffmanCount  [31]uint32
	huffmanOffset [31]uint32
	huffmanSorted [257]uint16
)

func init() {
	n := 0
	for length := uint8(1); length <= 30; length++ {
		huffmanOffset[length] = uint32(n)
		for sym := 0; sym < 257; sym++ {
			if huffmanLengths[sym] == length {
				huffmanSorted[n] = uint16(sym)
				n++
				huffmanCount[length]++
			}
		}
	}
	code := uint32(0)
	for length := 1; length <= 30; length++ {
		huffmanFirst[length] = code
		for i := uint32(0); i < huffmanCount[length]; i++ {
			huffmanCodes[huffmanSorted[huffmanOffset[length]+i]] = code
			code++
		}
		code <<= 1
	}
}

func huffmanEncodedLen(s string) int {
	bits := 0
	for i := 0; i < len(s); i++ {
		bits += int(huffmanLengths[s[i]])
	}
	return (bits + 7) / 8
}

func appendHuffman(b []byte, s string) []byte {
	var acc uint64 // pending bits, right-aligned
	var n uint     // how many
	for i := 0; i < len(s); i++ {
		length := uint(huffmanLengths[s[i]])
		acc = acc<<length | uint64(huffmanCodes[s[i]])
		n += length
		for n >= 8 {
			n -= 8
			b = append(b, byte(acc>>n))
		}
	}
	if n > 0 { // pad with the most significant bits of EOS (all ones)
		b = append(b, byte(acc<<(8-n))|byte(0xff>>n))
	}
	return b
}

// huffmanDecode decodes a Huffman-coded string of at most limit bytes (0: no limit).
func huffmanDecode(raw []byte, limit int) (string, error) {
	out := make([]byte, 0, len(raw)*8/5)
	code, length := uint32(0), uint32(0)
	for _, c := range raw {
		for bit := 7; bit >= 0; bit-- {
			code = code<<1 | uint32(c>>uint(bit))&1
			length++
			if length > 30 {
				return "", ErrHuffman
			}
			if code-huffmanFirst[length] < huffmanCount[length] && code >= huffmanFirst[length] {
				sym := huffmanSorted[huffmanOffset[length]+code-huffmanFirst[length]]
				if sym == huffmanEOS {
					return "", ErrHuffman // EOS inside the string
				}
				out = append(out, byte(sym))
				if limit > 0 && len(out) > limit {
					return "", ErrHeaderTooBig
				}
				code, length = 0, 0
			}
		}
	}
	// Padding: fewer than 8 bits, all ones (a prefix of EOS).
	if length > 7 || code != (uint32(1)<<length)-1 {
		return "", ErrHuffman
	}
	return string(out), nil
}

// String shows a header list compactly (for error messages and tests).
func headerListString(fields []HeaderField) string {
	s := ""
	for _, f := range fields {
		s += f.Name + ": " + strconv.Quote(f.Value) + "\n"
	}
	return s
}
