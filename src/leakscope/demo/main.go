// Command logship receives log batches over HTTP and forwards them upstream.
package main

import (
	"flag"
	"log"
	"net/http"
	"time"

	"example.com/logship/archive"
	"example.com/logship/ingest"
	"example.com/logship/store"
	"example.com/logship/upstream"
)

func main() {
	addr := flag.String("addr", ":8080", "listen address")
	target := flag.String("upstream", "http://localhost:9090/ingest", "where batches go")
	config := flag.String("config", "logship.conf", "key=value settings file")
	flag.Parse()

	settings := store.NewCache()
	if err := settings.Load(*config); err != nil {
		log.Printf("no settings: %v", err)
	}

	queue := &store.Queue{}
	forwarder := upstream.New(*target, 5*time.Second)
	stop := make(chan struct{})
	go flushEvery(10*time.Second, stop, func() {
		for batch := queue.Pop(); batch != nil; batch = queue.Pop() {
			if err := forwarder.Send(batch.Lines); err != nil {
				log.Printf("forward: %v", err)
			}
		}
	})

	http.Handle("/ingest", ingest.Handler(func(lines []string) {
		queue.Push(&store.Batch{Lines: lines, Received: time.Now()})
	}))
	http.HandleFunc("/rotate", func(w http.ResponseWriter, r *http.Request) {
		if err := archive.Concat(r.URL.Query()["file"], w); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	log.Fatal(http.ListenAndServe(*addr, nil))
}

// flushEvery calls flush every interval until stop is closed.
func flushEvery(interval time.Duration, stop <-chan struct{}, flush func()) {
	ticker := time.NewTicker(interval)
	for {
		select {
		case <-ticker.C:
			flush()
		case <-stop:
			return
		}
	}
}
