package ingest

import (
	"encoding/binary"
	"errors"
	"io"
)

var errShortHeader = errors.New("ingest: short frame header")

// Stream reads framed batches from a long-lived agent connection.
type Stream struct {
	r       io.Reader
	magic   []byte // first bytes of the connection, logged on errors
	agent   []byte // agent id, reported in metrics
	version uint32
}

// NewStream wraps an agent connection.
func NewStream(r io.Reader) *Stream {
	return &Stream{r: r}
}

// ReadHeader reads the connection header: magic, protocol version, agent id.
func (s *Stream) ReadHeader() error {
	buf := make([]byte, 64<<10) // one read covers the header and usually the first frame
	n, err := s.r.Read(buf)
	if err != nil {
		return err
	}
	if n < 24 {
		return errShortHeader
	}
	s.magic = buf[:4]
	s.version = binary.BigEndian.Uint32(buf[4:8])
	s.agent = make([]byte, 16)
	copy(s.agent, buf[8:24])
	return nil
}

// Magic returns the connection's magic bytes.
func (s *Stream) Magic() []byte { return s.magic }

// Agent returns the agent id and the protocol version.
func (s *Stream) Agent() ([]byte, uint32) { return s.agent, s.version }
