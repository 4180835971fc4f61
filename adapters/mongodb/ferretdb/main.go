// Command ferretdb serves FerretDB (a MongoDB wire-protocol server) on one
// address with its SQLite backend, for faultline's local MongoDB row.
//
// FerretDB's own command refuses to start when built with `go install` (it
// wants a version file that only its release build writes), so faultline
// builds this small program around FerretDB's embeddable package instead.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to serve on")
	data := flag.String("data", "", "folder of the SQLite databases (required)")
	level := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	if *data == "" {
		fail("-data is required")
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		fail(err.Error())
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fail(err.Error())
	}

	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(*level)); err != nil {
		fail(fmt.Sprintf("-log-level: %v", err))
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: lvl}))

	// The SQLite backend takes a directory URI ending in a slash.
	sqlite := (&url.URL{Scheme: "file", Path: dir + "/"}).String()

	db, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listen},
		Handler:   "sqlite",
		SQLiteURL: sqlite,
		Logger:    logger,
	})
	if err != nil {
		fail(err.Error())
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	logger.Info("serving", "uri", db.MongoDBURI(), "data", dir)
	if err := db.Run(ctx); err != nil && ctx.Err() == nil {
		fail(err.Error())
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "ferretdb:", msg)
	os.Exit(2)
}
