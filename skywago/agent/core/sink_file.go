package core

import (
	"io"
	"time"
)

// fileSink writes one segment per line (SegmentObject JSON), the format `skywago trace` reads.
type fileSink struct {
	w io.Writer
	// sharedWithApp is true for stderr: each line then goes out in its own write, so that it is
	// not split by the application's own writes to the same stream.
	sharedWithApp bool
	buf           []byte
}

func (f *fileSink) send(batch []*segment, _ time.Time) error {
	f.buf = f.buf[:0]
	for _, seg := range batch {
		f.buf = appendSegmentJSON(f.buf, seg)
		f.buf = append(f.buf, '\n')
		if f.sharedWithApp {
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

func (f *fileSink) write() error {
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
