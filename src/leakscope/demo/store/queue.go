package store

import (
	"sync"
	"time"
)

// Batch is one request's lines, waiting to be forwarded.
type Batch struct {
	Lines    []string
	Received time.Time
}

// Queue is a FIFO of batches.
type Queue struct {
	mu    sync.Mutex
	items []*Batch
}

// Push appends a batch.
func (q *Queue) Push(b *Batch) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.items = append(q.items, b)
}

// Pop removes and returns the oldest batch, or nil when the queue is empty.
func (q *Queue) Pop() *Batch {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.items) == 0 {
		return nil
	}
	b := q.items[0]
	q.items = q.items[1:]
	return b
}
