// Package store holds logship's settings and its queue of batches waiting to go upstream.
package store

import (
	"os"
	"strings"
	"sync"
)

// Cache holds key=value settings read from a file.
type Cache struct {
	mu      sync.RWMutex
	entries map[string]string
}

// NewCache returns an empty settings cache.
func NewCache() *Cache {
	return &Cache{entries: map[string]string{}}
}

// Load reads `key=value` lines from path into the cache.
func (c *Cache) Load(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, line := range strings.Split(string(data), "\n") {
		key, value, ok := strings.Cut(strings.TrimSpace(line), "=")
		if !ok || strings.HasPrefix(key, "#") {
			continue
		}
		c.entries[strings.Clone(key)] = strings.Clone(value)
	}
	return nil
}

// Get returns a setting.
func (c *Cache) Get(key string) (string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	v, ok := c.entries[key]
	return v, ok
}
