// catalog-gorm: a product catalogue on gorm, with PostgreSQL or MySQL/MariaDB. Nothing here
// knows about tracing; built with skywago, each gorm operation is a Local span with the SQL
// statements it sends as Exit spans under it.
//
//	catalog-gorm -listen 127.0.0.1:8081 -dialect postgres -dsn 'host=127.0.0.1 port=5432 user=postgres dbname=shop'  (backend)
//	catalog-gorm -listen 127.0.0.1:8081 -dialect mysql -dsn 'root@tcp(127.0.0.1:3306)/shop'                          (backend)
//	catalog-gorm -listen 127.0.0.1:8080 -backend http://127.0.0.1:8081                                              (frontend)
//
// Backend endpoints: /add?name=tea&price=3 (Create, then First), /product?name=tea (First: 404
// when there is none), /broken (Exec of a statement the server rejects: 500).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strconv"

	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

type Product struct {
	ID    uint   `gorm:"primaryKey"`
	Name  string `gorm:"size:64;index"`
	Price int
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8081", "address to serve on")
	dialect := flag.String("dialect", "postgres", "postgres or mysql")
	dsn := flag.String("dsn", "", "data source name")
	backend := flag.String("backend", "", "base URL of the backend (frontend mode)")
	flag.Parse()

	mux := http.NewServeMux()
	if *backend != "" {
		mux.HandleFunc("/buy", func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			forward(w, *backend+"/add?name="+url.QueryEscape(q.Get("name"))+"&price="+url.QueryEscape(q.Get("price")))
		})
	} else {
		db := open(*dialect, *dsn)
		mux.HandleFunc("/add", func(w http.ResponseWriter, r *http.Request) {
			price, _ := strconv.Atoi(r.URL.Query().Get("price"))
			p := Product{Name: r.URL.Query().Get("name"), Price: price}
			if err := db.WithContext(r.Context()).Create(&p).Error; err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			var found Product
			if err := db.WithContext(r.Context()).First(&found, p.ID).Error; err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			fmt.Fprintf(w, "%d %s %d\n", found.ID, found.Name, found.Price)
		})
		mux.HandleFunc("/product", func(w http.ResponseWriter, r *http.Request) {
			var p Product
			err := db.WithContext(r.Context()).Where("name = ?", r.URL.Query().Get("name")).First(&p).Error
			if errors.Is(err, gorm.ErrRecordNotFound) {
				http.Error(w, "not found", http.StatusNotFound)
				return
			} else if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			fmt.Fprintf(w, "%d %s %d\n", p.ID, p.Name, p.Price)
		})
		mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) {
			if err := db.WithContext(r.Context()).Exec("UPDATE no_such_table SET price = 0").Error; err != nil {
				http.Error(w, "database error", http.StatusInternalServerError)
				return
			}
			fmt.Fprintln(w, "unexpected success")
		})
	}
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() { log.Fatal("quit requested") }()
	})
	log.Fatal(http.ListenAndServe(*listen, mux))
}

func open(dialect, dsn string) *gorm.DB {
	var dialector gorm.Dialector
	switch dialect {
	case "postgres":
		dialector = postgres.Open(dsn)
	case "mysql":
		dialector = mysql.Open(dsn)
	default:
		log.Fatalf("unknown dialect %q", dialect)
	}
	db, err := gorm.Open(dialector, &gorm.Config{Logger: logger.Default.LogMode(logger.Silent)})
	if err != nil {
		log.Fatal(err)
	}
	if err := db.AutoMigrate(&Product{}); err != nil {
		log.Fatal(err)
	}
	return db
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
