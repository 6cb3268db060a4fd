// orders-sql: an order service on database/sql, with PostgreSQL (pgx v5's database/sql driver)
// or MySQL/MariaDB (go-sql-driver/mysql). Nothing here knows about tracing; built with skywago,
// each request is a trace with an Exit span per statement sent to the database.
//
//	orders-sql -listen 127.0.0.1:8081 -driver pgx -dsn postgres://postgres@127.0.0.1:5432/shop   (backend)
//	orders-sql -listen 127.0.0.1:8081 -driver mysql -dsn 'root@tcp(127.0.0.1:3306)/shop'          (backend)
//	orders-sql -listen 127.0.0.1:8080 -backend http://127.0.0.1:8081                                (frontend)
//
// Backend endpoints: /order?item=tea (a transaction: insert, count, commit), /report (a prepared
// statement and a plain query), /bulk?item=jam&n=300 (one long multi-row insert), /broken (a
// statement the server rejects: 500).
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	driverName := flag.String("driver", "pgx", "database/sql driver: pgx or mysql")
	dsn := flag.String("dsn", "", "data source name")
	backend := flag.String("backend", "", "base URL of the backend (frontend mode)")
	flag.Parse()

	mux := http.NewServeMux()
	if *backend != "" {
		mux.HandleFunc("/checkout", func(w http.ResponseWriter, r *http.Request) {
			forward(w, *backend+"/order?item="+url.QueryEscape(r.URL.Query().Get("item")))
		})
	} else {
		s := openStore(*driverName, *dsn)
		mux.HandleFunc("/order", s.order)
		mux.HandleFunc("/report", s.report)
		mux.HandleFunc("/bulk", s.bulk)
		mux.HandleFunc("/broken", s.broken)
	}
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() { log.Fatal("quit requested") }()
	})
	log.Fatal(http.ListenAndServe(*listen, mux))
}

type store struct {
	db     *sql.DB
	dollar bool // PostgreSQL placeholders are $1, MySQL's are ?
}

func openStore(driverName, dsn string) *store {
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		log.Fatal(err)
	}
	s := &store{db: db, dollar: driverName == "pgx"}
	if _, err := db.Exec("CREATE TABLE IF NOT EXISTS orders (id SERIAL PRIMARY KEY, item VARCHAR(64) NOT NULL, qty INT NOT NULL)"); err != nil {
		log.Fatal(err)
	}
	return s
}

// q writes a statement with the driver's placeholders: q("a = ?") is "a = $1" for PostgreSQL.
func (s *store) q(statement string) string {
	if !s.dollar {
		return statement
	}
	var b strings.Builder
	n := 0
	for _, c := range statement {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (s *store) order(w http.ResponseWriter, r *http.Request) {
	item := r.URL.Query().Get("item")
	if item == "" {
		http.Error(w, "no item", http.StatusBadRequest)
		return
	}
	ctx := r.Context()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer tx.Rollback() // after Commit: ErrTxDone, nothing sent
	if _, err := tx.ExecContext(ctx, s.q("INSERT INTO orders (item, qty) VALUES (?, ?)"), item, 1); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	var count int
	if err := tx.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM orders WHERE item = ?"), item).Scan(&count); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if err := tx.Commit(); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "%s=%d\n", item, count)
}

func (s *store) report(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	stmt, err := s.db.PrepareContext(ctx, s.q("SELECT COUNT(*) FROM orders WHERE qty >= ?"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer stmt.Close()
	var orders int
	if err := stmt.QueryRowContext(ctx, 1).Scan(&orders); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	rows, err := s.db.QueryContext(ctx, "SELECT DISTINCT item FROM orders ORDER BY item")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	defer rows.Close()
	var items []string
	for rows.Next() {
		var item string
		if err := rows.Scan(&item); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		items = append(items, item)
	}
	fmt.Fprintf(w, "orders=%d items=%s\n", orders, strings.Join(items, ","))
}

func (s *store) bulk(w http.ResponseWriter, r *http.Request) {
	item := r.URL.Query().Get("item")
	n, err := strconv.Atoi(r.URL.Query().Get("n"))
	if err != nil || n < 1 {
		http.Error(w, "bad n", http.StatusBadRequest)
		return
	}
	values := make([]string, n)
	args := make([]any, 0, 2*n)
	for i := range values {
		values[i] = "(?, ?)"
		args = append(args, item, 1)
	}
	statement := s.q("INSERT INTO orders (item, qty) VALUES " + strings.Join(values, ", "))
	res, err := s.db.ExecContext(r.Context(), statement, args...)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	added, _ := res.RowsAffected()
	fmt.Fprintf(w, "added=%d\n", added)
}

func (s *store) broken(w http.ResponseWriter, r *http.Request) {
	if _, err := s.db.ExecContext(r.Context(), "UPDATE no_such_table SET qty = 0"); err != nil {
		http.Error(w, "database error", http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, "unexpected success")
}

func forward(w http.ResponseWriter, target string) {
	resp, err := http.Get(target)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}
