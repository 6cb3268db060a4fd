package main

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/lib/pq"
)

const brokenStatement = "UPDATE no_such_table SET qty = 0"

// pgx.Conn (one connection, not safe for concurrent use): a transaction, then a batch.
type pgxConn struct {
	mu   sync.Mutex
	conn *pgx.Conn
}

func openPgxConn(ctx context.Context, url string) *pgxConn {
	conn, err := pgx.Connect(ctx, url)
	must(err)
	_, err = conn.Exec(ctx, "CREATE TABLE IF NOT EXISTS orders_pgx (id SERIAL PRIMARY KEY, item TEXT NOT NULL, qty INT NOT NULL)")
	must(err)
	return &pgxConn{conn: conn}
}

func (s *pgxConn) serve(ctx context.Context, item string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.conn.Begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback(ctx) // after Commit: nothing sent
	if _, err := tx.Exec(ctx, "INSERT INTO orders_pgx (item, qty) VALUES ($1, $2)", item, 1); err != nil {
		return "", err
	}
	var n int
	if err := tx.QueryRow(ctx, "SELECT COUNT(*) FROM orders_pgx WHERE item = $1", item).Scan(&n); err != nil {
		return "", err
	}
	if err := tx.Commit(ctx); err != nil {
		return "", err
	}
	batch := &pgx.Batch{}
	batch.Queue("UPDATE orders_pgx SET qty = qty + 1 WHERE item = $1", item)
	batch.Queue("SELECT SUM(qty) FROM orders_pgx WHERE item = $1", item)
	results := s.conn.SendBatch(ctx, batch)
	_, err = results.Exec()
	var total int
	if err == nil {
		err = results.QueryRow().Scan(&total)
	}
	if closeErr := results.Close(); err == nil {
		err = closeErr
	}
	return fmt.Sprintf("%s=%d qty=%d", item, n, total), err
}

func (s *pgxConn) broken(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, err := s.conn.Exec(ctx, brokenStatement)
	return err
}

// pgxpool.Pool: an insert, a query, a COPY.
type pgxPool struct{ pool *pgxpool.Pool }

func openPgxPool(ctx context.Context, url string) *pgxPool {
	pool, err := pgxpool.New(ctx, url)
	must(err)
	_, err = pool.Exec(ctx, "CREATE TABLE IF NOT EXISTS orders_pool (id SERIAL PRIMARY KEY, item TEXT NOT NULL, qty INT NOT NULL)")
	must(err)
	return &pgxPool{pool}
}

func (s *pgxPool) serve(ctx context.Context, item string) (string, error) {
	if _, err := s.pool.Exec(ctx, "INSERT INTO orders_pool (item, qty) VALUES ($1, $2)", item, 1); err != nil {
		return "", err
	}
	copied, err := s.pool.CopyFrom(ctx, pgx.Identifier{"orders_pool"}, []string{"item", "qty"},
		pgx.CopyFromRows([][]any{{item, 2}, {item, 3}}))
	if err != nil {
		return "", err
	}
	var n int
	err = s.pool.QueryRow(ctx, "SELECT COUNT(*) FROM orders_pool WHERE item = $1", item).Scan(&n)
	return fmt.Sprintf("%s=%d copied=%d", item, n, copied), err
}

func (s *pgxPool) broken(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, brokenStatement)
	return err
}

// database/sql with lib/pq.
type pqStore struct{ db *sql.DB }

func openPq(ctx context.Context, url string) *pqStore {
	db, err := sql.Open("postgres", url)
	must(err)
	_, err = db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS orders_pq (id SERIAL PRIMARY KEY, item TEXT NOT NULL, qty INT NOT NULL)")
	must(err)
	return &pqStore{db}
}

func (s *pqStore) serve(ctx context.Context, item string) (string, error) {
	if _, err := s.db.ExecContext(ctx, "INSERT INTO orders_pq (item, qty) VALUES ($1, $2)", item, 1); err != nil {
		return "", err
	}
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM orders_pq WHERE item = $1", item).Scan(&n)
	return fmt.Sprintf("%s=%d", item, n), err
}

func (s *pqStore) broken(ctx context.Context) error {
	_, err := s.db.ExecContext(ctx, brokenStatement)
	return err
}
