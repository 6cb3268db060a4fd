// shop: a client that places orders and a server that stores them in PostgreSQL (pgx v5's
// database/sql driver) and logs each order with logrus, zap and log/slog. Nothing here knows
// about tracing; built with skywago and pointed at a SkyWalking OAP, each order is one trace
// across both processes (the client's Local and Exit spans, the server's Entry span and its
// database Exit spans), the server's log records carry that trace, and both processes report
// their Go runtime meters.
//
//	shop -listen 127.0.0.1:8081 -dsn postgres://postgres@127.0.0.1:5432/shop     (server)
//	shop -server http://127.0.0.1:8081 -item tea -n 1                           (client)
//
// The client places n orders one after the other, prints each answer ("<status> <body>") and
// exits (0 when every order succeeded). The server's endpoints: /order?item=tea, /health, /quit.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
	"github.com/sirupsen/logrus"
	"go.uber.org/zap"
)

func main() {
	listen := flag.String("listen", "", "serve on this address (server mode)")
	dsn := flag.String("dsn", "", "PostgreSQL data source name (server mode)")
	server := flag.String("server", "", "base URL of the server (client mode)")
	item := flag.String("item", "tea", "what the client orders")
	n := flag.Int("n", 1, "how many orders the client places")
	linger := flag.Duration("linger", 0, "how long the client waits after its last order before exiting")
	flag.Parse()
	if *server != "" {
		os.Exit(runClient(*server, *item, *n, *linger))
	}
	runServer(*listen, *dsn)
}

func runClient(server, item string, n int, linger time.Duration) int {
	failed := 0
	for i := 0; i < n; i++ {
		status, body, err := placeOrder(server, item)
		if err != nil || status != http.StatusOK {
			failed++
		}
		fmt.Printf("%d %s %v\n", status, body, err)
	}
	time.Sleep(linger)
	if failed > 0 {
		return 1
	}
	return 0
}

//skywago:span
func placeOrder(server, item string) (int, string, error) {
	resp, err := http.Get(server + "/order?item=" + url.QueryEscape(item))
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

type shop struct {
	db     *sql.DB
	logrus *logrus.Logger
	zap    *zap.Logger
	slog   *slog.Logger
}

func runServer(listen, dsn string) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE IF NOT EXISTS shop_orders (id SERIAL PRIMARY KEY, item VARCHAR(64) NOT NULL)"); err != nil {
		log.Fatal(err)
	}
	zapLogger, err := zap.NewProduction()
	if err != nil {
		log.Fatal(err)
	}
	s := &shop{db: db, logrus: logrus.New(), zap: zapLogger, slog: slog.New(slog.NewJSONHandler(os.Stdout, nil))}
	s.logrus.SetOutput(os.Stdout)

	mux := http.NewServeMux()
	mux.HandleFunc("/order", s.order)
	mux.HandleFunc("/health", func(w http.ResponseWriter, r *http.Request) {
		s.logrus.Info("health checked")
		fmt.Fprint(w, "ok")
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() {
			s.zap.Sync()
			os.Exit(0)
		}()
	})
	log.Fatal(http.ListenAndServe(listen, mux))
}

func (s *shop) order(w http.ResponseWriter, r *http.Request) {
	item := r.URL.Query().Get("item")
	s.logrus.WithField("item", item).Info("order received")
	ctx := r.Context()
	if _, err := s.db.ExecContext(ctx, "INSERT INTO shop_orders (item) VALUES ($1)", item); err != nil {
		s.zap.Error("order not stored", zap.String("item", item), zap.Error(err))
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var count int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM shop_orders WHERE item = $1", item).Scan(&count); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	s.zap.Info("order stored", zap.String("item", item), zap.Int("count", count))
	s.slog.Info("order answered", "item", item, "count", count)
	fmt.Fprintf(w, "%s=%d", item, count)
}
