package core

import (
	"io"
	"os"
	"time"
)

// The file reporter (SW_AGENT_REPORTER_TYPE=file, the default): one SegmentObject JSON per line,
// the format `skywago trace` reads, to SW_AGENT_REPORTER_FILE_PATH or stderr.
func init() {
	registerExporter(exporterType{name: "file", make: func(cfg Config, warn func(string)) (exporter, error) {
		return newFileExporter(cfg.FilePath, warn), nil
	}})
}

type fileExporter struct {
	w io.Writer
	f *os.File // nil for stderr, which is not ours to close
	// sharedWithApp is true for stderr: each line then goes out in its own write, so that it is
	// not split by the application's own writes to the same stream.
	sharedWithApp bool
	buf           []byte
}

func newFileExporter(path string, warn func(string)) *fileExporter {
	if path == "" {
		return &fileExporter{w: os.Stderr, sharedWithApp: true}
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		warn("cannot open SW_AGENT_REPORTER_FILE_PATH (" + err.Error() + "); writing segments to stderr")
		return &fileExporter{w: os.Stderr, sharedWithApp: true}
	}
	return &fileExporter{w: f, f: f}
}

// fileWriteSize: a batch is written whenever this much of it is encoded (at a line's end), so
// the buffer stays about this size however large the batch and its segments are (a batch was
// encoded whole: 200 segments of 256 spans grew a ~20 MB buffer from nothing every time).
const fileWriteSize = 64 << 10

func (f *fileExporter) export(batch []*segment, _ time.Time) error {
	f.buf = f.buf[:0]
	for _, seg := range batch {
		f.buf = appendSegmentJSON(f.buf, seg)
		f.buf = append(f.buf, '\n')
		if f.sharedWithApp || len(f.buf) >= fileWriteSize {
			if err := f.write(); err != nil {
				return err
			}
		}
	}
	if err := f.write(); err != nil {
		return err
	}
	if cap(f.buf) > 1<<20 {
		f.buf = nil // one huge batch should not pin a large buffer forever
	}
	return nil
}

func (f *fileExporter) write() error {
	if len(f.buf) == 0 {
		return nil
	}
	_, err := f.w.Write(f.buf)
	f.buf = f.buf[:0]
	if err != nil {
		// A file that cannot be written now will not be fixed by retrying this batch.
		return permanentError{err}
	}
	return nil
}

func (f *fileExporter) close() {
	if f.f != nil {
		f.f.Close()
	}
}
