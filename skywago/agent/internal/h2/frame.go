package h2

import (
	"encoding/binary"
	"errors"
	"io"
	"strconv"
)

// HTTP/2 frames (RFC 9113 section 4 and 6): the 9-byte header, reading one frame, and parsing
// the payloads the client acts on. Parsers take the payload as read and never panic.

type frameType uint8

const (
	frameData         frameType = 0x0
	frameHeaders      frameType = 0x1
	framePriority     frameType = 0x2
	frameRSTStream    frameType = 0x3
	frameSettings     frameType = 0x4
	framePushPromise  frameType = 0x5
	framePing         frameType = 0x6
	frameGoAway       frameType = 0x7
	frameWindowUpdate frameType = 0x8
	frameContinuation frameType = 0x9
)

const (
	flagEndStream  = 0x1 // DATA, HEADERS
	flagAck        = 0x1 // SETTINGS, PING
	flagEndHeaders = 0x4 // HEADERS, CONTINUATION
	flagPadded     = 0x8 // DATA, HEADERS
	flagPriority   = 0x20
)

// Settings identifiers.
const (
	settingHeaderTableSize      = 0x1
	settingEnablePush           = 0x2
	settingMaxConcurrentStreams = 0x3
	settingInitialWindowSize    = 0x4
	settingMaxFrameSize         = 0x5
	settingMaxHeaderListSize    = 0x6
)

// Error codes (section 7).
const (
	codeNoError            = 0x0
	codeProtocolError      = 0x1
	codeFlowControlError   = 0x3
	codeFrameSizeError     = 0x6
	codeRefusedStream      = 0x7
	codeCompressionError   = 0x9
	codeEnhanceYourCalm    = 0xb
	defaultMaxFrameSize    = 16384
	maxAllowedFrameSize    = 1<<24 - 1
	defaultInitialWindow   = 65535
	maxWindow              = 1<<31 - 1
	defaultHeaderTableSize = 4096
)

// ErrCode is an HTTP/2 error code.
type ErrCode uint32

var errCodeNames = [...]string{"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR",
	"SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL",
	"COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"}

func (c ErrCode) String() string {
	if int(c) < len(errCodeNames) {
		return errCodeNames[c]
	}
	return "error code 0x" + strconv.FormatUint(uint64(c), 16)
}

type frameHeader struct {
	length uint32
	typ    frameType
	flags  uint8
	stream uint32
}

func appendFrameHeader(b []byte, length int, t frameType, flags uint8, stream uint32) []byte {
	return append(b, byte(length>>16), byte(length>>8), byte(length), byte(t), flags,
		byte(stream>>24)&0x7f, byte(stream>>16), byte(stream>>8), byte(stream))
}

func parseFrameHeader(b []byte) frameHeader {
	return frameHeader{
		length: uint32(b[0])<<16 | uint32(b[1])<<8 | uint32(b[2]),
		typ:    frameType(b[3]),
		flags:  b[4],
		stream: binary.BigEndian.Uint32(b[5:9]) & 0x7fffffff,
	}
}

var errFrameTooLarge = errors.New("http2: frame larger than SETTINGS_MAX_FRAME_SIZE")

// readFrame reads one frame into buf (grown as needed, up to maxSize) and returns its header
// and payload (aliasing buf).
func readFrame(r io.Reader, buf []byte, maxSize uint32) (frameHeader, []byte, []byte, error) {
	if cap(buf) < 9 {
		buf = make([]byte, 9, 9+defaultMaxFrameSize)
	}
	buf = buf[:9]
	if _, err := io.ReadFull(r, buf); err != nil {
		return frameHeader{}, nil, buf, err
	}
	h := parseFrameHeader(buf)
	if h.length > maxSize {
		return h, nil, buf, errFrameTooLarge
	}
	if cap(buf) < int(h.length) {
		buf = make([]byte, h.length)
	}
	payload := buf[:h.length]
	if _, err := io.ReadFull(r, payload); err != nil {
		return h, nil, buf, err
	}
	return h, payload, buf, nil
}

var errPadding = errors.New("http2: padding longer than the frame")

// dataPayload strips a DATA frame's padding.
func dataPayload(h frameHeader, p []byte) ([]byte, error) {
	return stripPadding(h, p)
}

func stripPadding(h frameHeader, p []byte) ([]byte, error) {
	if h.flags&flagPadded == 0 {
		return p, nil
	}
	if len(p) < 1 || int(p[0]) > len(p)-1 {
		return nil, errPadding
	}
	return p[1 : len(p)-int(p[0])], nil
}

// headersPayload returns a HEADERS frame's header block fragment (padding and priority
// removed).
func headersPayload(h frameHeader, p []byte) ([]byte, error) {
	p, err := stripPadding(h, p)
	if err != nil {
		return nil, err
	}
	if h.flags&flagPriority != 0 {
		if len(p) < 5 {
			return nil, errors.New("http2: HEADERS priority fields truncated")
		}
		p = p[5:]
	}
	return p, nil
}

type setting struct {
	id    uint16
	value uint32
}

// parseSettings parses a SETTINGS payload (six bytes per setting) and checks the values the
// RFC bounds.
func parseSettings(p []byte) ([]setting, error) {
	if len(p)%6 != 0 {
		return nil, errors.New("http2: SETTINGS length not a multiple of 6")
	}
	var out []setting
	for ; len(p) > 0; p = p[6:] {
		s := setting{binary.BigEndian.Uint16(p), binary.BigEndian.Uint32(p[2:6])}
		switch s.id {
		case settingEnablePush:
			if s.value > 1 {
				return nil, errors.New("http2: SETTINGS_ENABLE_PUSH not 0 or 1")
			}
		case settingInitialWindowSize:
			if s.value > maxWindow {
				return nil, errors.New("http2: SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1")
			}
		case settingMaxFrameSize:
			if s.value < defaultMaxFrameSize || s.value > maxAllowedFrameSize {
				return nil, errors.New("http2: SETTINGS_MAX_FRAME_SIZE out of range")
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// parseWindowUpdate returns the increment (never 0: that is a protocol error).
func parseWindowUpdate(p []byte) (uint32, error) {
	if len(p) != 4 {
		return 0, errors.New("http2: WINDOW_UPDATE length not 4")
	}
	inc := binary.BigEndian.Uint32(p) & 0x7fffffff
	if inc == 0 {
		return 0, errors.New("http2: WINDOW_UPDATE increment 0")
	}
	return inc, nil
}

// parseGoAway returns the last stream id, the error code and the debug data.
func parseGoAway(p []byte) (uint32, ErrCode, []byte, error) {
	if len(p) < 8 {
		return 0, 0, nil, errors.New("http2: GOAWAY shorter than 8 bytes")
	}
	return binary.BigEndian.Uint32(p) & 0x7fffffff, ErrCode(binary.BigEndian.Uint32(p[4:8])), p[8:], nil
}

func parseRSTStream(p []byte) (ErrCode, error) {
	if len(p) != 4 {
		return 0, errors.New("http2: RST_STREAM length not 4")
	}
	return ErrCode(binary.BigEndian.Uint32(p)), nil
}
