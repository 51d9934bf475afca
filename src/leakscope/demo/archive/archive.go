// Package archive concatenates and checksums rotated log files.
package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
)

// Concat copies the files, in order, to w.
func Concat(paths []string, w io.Writer) error {
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := io.Copy(w, f); err != nil {
			return err
		}
	}
	return nil
}

// Checksums returns the SHA-256 of each file, keyed by path.
func Checksums(paths []string) (map[string]string, error) {
	sums := make(map[string]string, len(paths))
	for _, path := range paths {
		sum, err := func() (string, error) {
			f, err := os.Open(path)
			if err != nil {
				return "", err
			}
			defer f.Close()
			h := sha256.New()
			if _, err := io.Copy(h, f); err != nil {
				return "", err
			}
			return hex.EncodeToString(h.Sum(nil)), nil
		}()
		if err != nil {
			return nil, err
		}
		sums[path] = sum
	}
	return sums, nil
}
