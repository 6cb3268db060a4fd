// logging: an HTTP service that logs with logrus, zap, zerolog and log/slog, in several formats, inside
// requests and outside any. Nothing here knows about tracing; built with skywago, every record
// written while a request is traced carries the trace context (SW_CTX), and the others do not.
//
//	logging -listen 127.0.0.1:8080
//
// GET /work logs one line per logger in the request's Entry span ("entry"), then again inside
// a Local span ("local"), and asks a goroutine that was started before any request to log
// ("background"). Every line goes to stdout; its message says which logger wrote it and where:
// "<where> <logger>", e.g. "entry zap-console".
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	zerologlog "github.com/rs/zerolog/log"
	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// lockedWriter serialises the loggers' writes (to stdout: out), so lines never interleave.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) Sync() error { return nil }

var out = &lockedWriter{w: os.Stdout}

type loggers struct {
	logrusText, logrusJSON *logrus.Logger
	zapJSON, zapConsole    *zap.Logger
	zapSugar               *zap.SugaredLogger
	slogText, slogJSON     *slog.Logger
	slogCustom             *slog.Logger
	zerologJSON            zerolog.Logger
	zerologWith            zerolog.Logger
	zerologConsole         zerolog.Logger
}

func newLoggers() *loggers {
	l := &loggers{}

	// logrus: the package-level standard logger with the text formatter, and a JSON one.
	logrus.SetOutput(out)
	logrus.SetFormatter(&logrus.TextFormatter{DisableColors: true, DisableTimestamp: true})
	l.logrusText = logrus.StandardLogger()
	l.logrusJSON = logrus.New()
	l.logrusJSON.SetOutput(out)
	l.logrusJSON.SetFormatter(&logrus.JSONFormatter{DisableTimestamp: true})
	l.logrusJSON.SetReportCaller(true) // "file": the caller's, not the plugin's

	// zap: the production config (JSON encoder) and the development config (console encoder),
	// both written to out; the sugared logger of the production one.
	l.zapJSON = zapFrom(zap.NewProductionConfig())
	l.zapConsole = zapFrom(zap.NewDevelopmentConfig())
	l.zapSugar = l.zapJSON.Sugar()

	// slog: the text and JSON (with the caller's source) handlers, a handler of our own, and the default logger (whose
	// default handler writes through package log).
	l.slogText = slog.New(slog.NewTextHandler(out, nil))
	l.slogJSON = slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{AddSource: true}))
	l.slogCustom = slog.New(&pipeHandler{w: out})
	log.SetOutput(out)
	log.SetFlags(0)

	// zerolog: JSON with the caller (a context hook), a child logger with a field, the console
	// writer, and the global logger of zerolog/log.
	l.zerologJSON = zerolog.New(out).Level(zerolog.InfoLevel).With().Caller().Logger()
	l.zerologWith = zerolog.New(out).With().Str("component", "checkout").Logger()
	l.zerologConsole = zerolog.New(zerolog.ConsoleWriter{Out: out, NoColor: true,
		PartsOrder: []string{zerolog.LevelFieldName, zerolog.MessageFieldName}})
	zerologlog.Logger = zerolog.New(out)
	return l
}

func zapFrom(cfg zap.Config) *zap.Logger {
	enc := zapcore.NewJSONEncoder(cfg.EncoderConfig)
	if cfg.Encoding == "console" {
		enc = zapcore.NewConsoleEncoder(cfg.EncoderConfig)
	}
	opts := []zap.Option{zap.AddCaller()}
	if cfg.Development {
		opts = append(opts, zap.Development())
	}
	return zap.New(zapcore.NewCore(enc, zapcore.AddSync(out), cfg.Level), opts...)
}

// logAll writes one record with every logger, by as many of their APIs as fit on a line each.
func (l *loggers) logAll(where string) {
	l.logrusText.WithField("user", "ann").Info(where + " logrus-text")
	l.logrusJSON.WithFields(logrus.Fields{"user": "ann"}).Warnf("%s logrus-json", where)
	logrus.Infof("%s logrus-std", where) // the package-level functions, no fields

	l.zapJSON.Info(where+" zap-json", zap.String("user", "ann"))
	l.zapJSON.With(zap.String("component", "checkout")).Warn(where + " zap-with")
	l.zapConsole.Info(where+" zap-console", zap.Int("items", 2))
	l.zapJSON.Info(where+" zap-namespace", zap.Namespace("order"), zap.String("id", "o-1"))
	l.zapSugar.Infow(where+" zap-sugar", "user", "ann")
	l.zapSugar.Infof("%s zap-sugarf", where)

	l.slogText.Info(where+" slog-text", "user", "ann")
	l.slogJSON.LogAttrs(context.Background(), slog.LevelWarn, where+" slog-json", slog.String("user", "ann"))
	l.slogCustom.Info(where+" slog-custom", "user", "ann")
	odd := []any{"user", "ann", "dangling"} // a key without a value (a slice: vet would object)
	l.slogJSON.Warn(where+" slog-odd", odd...)
	slog.Info(where+" slog-default", "user", "ann")
	l.slogText.Debug(where + " slog-disabled") // below the handler's level: never written

	l.zerologJSON.Info().Str("user", "ann").Msg(where + " zerolog-json")
	l.zerologWith.Warn().Msgf("%s zerolog-with", where)
	l.zerologConsole.Info().Int("items", 2).Msg(where + " zerolog-console")
	zerologlog.Info().Str("user", "ann").Msg(where + " zerolog-global")
	l.zerologJSON.Info().Str("msg", where+" zerolog-send").Msg("") // no message (as Send): msg is a field
	l.zerologJSON.Debug().Msg(where + " zerolog-disabled")         // below the level: never written
}

// pipeHandler is a minimal slog.Handler of the application's own: "msg | k=v | k=v".
type pipeHandler struct {
	w     io.Writer
	attrs []slog.Attr
}

func (h *pipeHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *pipeHandler) Handle(_ context.Context, r slog.Record) error {
	parts := []string{r.Message}
	for _, a := range h.attrs {
		parts = append(parts, a.String())
	}
	r.Attrs(func(a slog.Attr) bool {
		parts = append(parts, a.String())
		return true
	})
	_, err := fmt.Fprintln(h.w, strings.Join(parts, " | "))
	return err
}

func (h *pipeHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &pipeHandler{w: h.w, attrs: append(append([]slog.Attr{}, h.attrs...), attrs...)}
}

func (h *pipeHandler) WithGroup(string) slog.Handler { return h }

func main() {
	listen := flag.String("listen", "127.0.0.1:8080", "address to serve on")
	flag.Parse()
	l := newLoggers()
	l.logAll("startup")

	// A goroutine started before any request: what it logs is outside every trace, even while
	// a request waits for it.
	background := make(chan chan struct{})
	go func() {
		for done := range background {
			l.logAll("background")
			close(done)
		}
	}()

	mux := http.NewServeMux()
	mux.HandleFunc("/work", func(w http.ResponseWriter, r *http.Request) {
		l.logAll("entry")
		work(l)
		done := make(chan struct{})
		background <- done
		<-done
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() {
			l.zapJSON.Sync()
			os.Exit(0)
		}()
	})
	log.Fatal(http.ListenAndServe(*listen, mux))
}

//skywago:span
func work(l *loggers) {
	l.logAll("local")
}
