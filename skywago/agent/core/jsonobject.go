package core

import (
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// parseFlatJSONObject parses a JSON object whose values are scalars (strings, numbers, true,
// false, null) into key -> text: strings unquoted, numbers and booleans as written, nulls left
// out. It is all the build-time defaults need, and keeps encoding/json (and reflection) out of
// every instrumented binary.
func parseFlatJSONObject(text string) (map[string]string, error) {
	p := jsonParser{s: text}
	out := make(map[string]string)
	p.skipSpace()
	if !p.consume('{') {
		return nil, p.fail("expected '{'")
	}
	p.skipSpace()
	if p.consume('}') {
		return out, p.expectEnd()
	}
	for {
		p.skipSpace()
		key, err := p.parseString()
		if err != nil {
			return nil, err
		}
		p.skipSpace()
		if !p.consume(':') {
			return nil, p.fail("expected ':'")
		}
		p.skipSpace()
		value, isNull, err := p.parseScalar()
		if err != nil {
			return nil, err
		}
		if !isNull {
			out[key] = value
		}
		p.skipSpace()
		if p.consume('}') {
			return out, p.expectEnd()
		}
		if !p.consume(',') {
			return nil, p.fail("expected ',' or '}'")
		}
	}
}

type jsonParser struct {
	s   string
	pos int
}

func (p *jsonParser) fail(what string) error {
	return errors.New(what + " at offset " + strconv.Itoa(p.pos))
}

func (p *jsonParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *jsonParser) consume(c byte) bool {
	if p.pos < len(p.s) && p.s[p.pos] == c {
		p.pos++
		return true
	}
	return false
}

func (p *jsonParser) expectEnd() error {
	p.skipSpace()
	if p.pos != len(p.s) {
		return p.fail("unexpected text after the object")
	}
	return nil
}

// parseScalar reads a string, number, true, false or null. Nested objects and arrays are
// rejected: no SW_* setting needs them.
func (p *jsonParser) parseScalar() (value string, isNull bool, err error) {
	if p.pos >= len(p.s) {
		return "", false, p.fail("expected a value")
	}
	if p.s[p.pos] == '"' {
		value, err = p.parseString()
		return value, false, err
	}
	start := p.pos
	for p.pos < len(p.s) && isLiteralByte(p.s[p.pos]) {
		p.pos++
	}
	word := p.s[start:p.pos]
	switch {
	case word == "null":
		return "", true, nil
	case word == "true" || word == "false":
		return word, false, nil
	case word != "" && isJSONNumber(word):
		return word, false, nil
	}
	p.pos = start
	return "", false, p.fail("expected a string, number, boolean or null")
}

func isLiteralByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'E'
}

// isJSONNumber accepts JSON's number syntax: digits with an optional sign, fraction and
// exponent (ParseFloat alone would also take "inf" or hex).
func isJSONNumber(word string) bool {
	if !(word[0] == '-' || word[0] >= '0' && word[0] <= '9') {
		return false
	}
	for i := 0; i < len(word); i++ {
		c := word[i]
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return false
		}
	}
	_, err := strconv.ParseFloat(word, 64)
	return err == nil
}

func (p *jsonParser) parseString() (string, error) {
	if !p.consume('"') {
		return "", p.fail("expected a string")
	}
	var out []byte
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			return string(out), nil
		case c < 0x20:
			return "", p.fail("control character in string")
		case c != '\\':
			out = append(out, c)
			p.pos++
			continue
		}
		// An escape sequence.
		if p.pos+1 >= len(p.s) {
			break
		}
		esc := p.s[p.pos+1]
		p.pos += 2
		switch esc {
		case '"', '\\', '/':
			out = append(out, esc)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.parseHex4()
			if !ok {
				return "", p.fail("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				// A UTF-16 surrogate pair spells one character beyond the BMP.
				low := rune(utf8.RuneError)
				if p.pos+1 < len(p.s) && p.s[p.pos] == '\\' && p.s[p.pos+1] == 'u' {
					p.pos += 2
					if low, ok = p.parseHex4(); !ok {
						return "", p.fail("bad \\u escape")
					}
				}
				r = utf16.DecodeRune(r, low)
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", p.fail("bad escape")
		}
	}
	return "", p.fail("unterminated string")
}

func (p *jsonParser) parseHex4() (rune, bool) {
	if p.pos+4 > len(p.s) {
		return 0, false
	}
	v, err := strconv.ParseUint(p.s[p.pos:p.pos+4], 16, 32)
	if err != nil {
		return 0, false
	}
	p.pos += 4
	return rune(v), true
}
