// Package ingest accepts batches of log lines over HTTP.
package ingest

import (
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// MaxBatch is the largest request body accepted, in bytes.
const MaxBatch = 8 << 20

var (
	mu sync.Mutex
	// lastSeen maps a host name to the time its last line arrived. It lives as long as
	// the process does.
	lastSeen = map[string]time.Time{}
	// services counts lines per service name, for /metrics.
	services = map[string]int{}
)

// Handler parses a batch of `host service message` lines and hands them to deliver.
func Handler(deliver func(lines []string)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxBatch))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		lines := strings.Split(string(body), "\n")
		record(lines)
		deliver(lines)
		w.WriteHeader(http.StatusAccepted)
	})
}

// record remembers every host and counts every service of the batch.
func record(lines []string) {
	now := time.Now()
	mu.Lock()
	defer mu.Unlock()
	for _, line := range lines {
		host, rest, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		service, _, _ := strings.Cut(rest, " ")
		lastSeen[host] = now
		// Cloned: the map keeps a few bytes, not the 8 MB batch behind them.
		services[strings.Clone(service)]++
	}
}

// Seen reports when a host last sent a line.
func Seen(host string) (time.Time, bool) {
	mu.Lock()
	defer mu.Unlock()
	t, ok := lastSeen[host]
	return t, ok
}
