package archive

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestConcat(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i, text := range []string{"one\n", "two\n"} {
		path := filepath.Join(dir, string(rune('a'+i))+".log")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	var out bytes.Buffer
	if err := Concat(paths, &out); err != nil {
		t.Fatal(err)
	}
	if out.String() != "one\ntwo\n" {
		t.Fatalf("got %q", out.String())
	}
	sums, err := Checksums(paths)
	if err != nil || len(sums) != 2 {
		t.Fatalf("checksums: %v %v", sums, err)
	}
}

func TestRotatedFilesReadable(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"a.log", "b.log"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if _, err := f.Stat(); err != nil {
			t.Fatal(err)
		}
	}
}
