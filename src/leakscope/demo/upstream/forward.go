// Package upstream forwards batches to the central collector.
package upstream

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"time"
)

// ErrTimeout is returned when the collector does not answer in time.
var ErrTimeout = errors.New("upstream: timed out")

// Forwarder posts batches to one collector.
type Forwarder struct {
	url     string
	timeout time.Duration
	client  *http.Client
}

// New returns a forwarder that gives up on a batch after timeout.
func New(url string, timeout time.Duration) *Forwarder {
	return &Forwarder{url: url, timeout: timeout, client: &http.Client{}}
}

type result struct {
	status int
	err    error
}

// Send posts the lines and waits at most the forwarder's timeout for the answer.
func (f *Forwarder) Send(lines []string) error {
	done := make(chan result)
	go func() {
		resp, err := f.client.Post(f.url, "text/plain", bytes.NewBufferString(strings.Join(lines, "\n")))
		if err != nil {
			done <- result{err: err}
			return
		}
		resp.Body.Close()
		done <- result{status: resp.StatusCode}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			return r.err
		}
		if r.status >= 300 {
			return errors.New("upstream: " + http.StatusText(r.status))
		}
		return nil
	case <-time.After(f.timeout):
		return ErrTimeout
	}
}
