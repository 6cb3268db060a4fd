// datastores-old: one call through each data-store library skywago instruments, built with
// versions outside the plugins' ranges (tests/test_plugin_datastores.py): the libraries compile
// untouched and still work; the program's own //skywago:span spans have no Exit spans under them.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"strings"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/gomodule/redigo/redis"
	"github.com/jackc/pgx/v5"
	_ "github.com/lib/pq"
	"github.com/redis/rueidis"
	bson1 "go.mongodb.org/mongo-driver/bson"
	mongo1 "go.mongodb.org/mongo-driver/mongo"
	options1 "go.mongodb.org/mongo-driver/mongo/options"
	bson2 "go.mongodb.org/mongo-driver/v2/bson"
	mongo2 "go.mongodb.org/mongo-driver/v2/mongo"
	options2 "go.mongodb.org/mongo-driver/v2/mongo/options"
)

func main() {
	mongoURI := flag.String("mongo", "", "MongoDB URI")
	postgresURL := flag.String("postgres", "", "PostgreSQL URL")
	redisAddr := flag.String("redis", "", "Redis address")
	elasticAddr := flag.String("elasticsearch", "", "Elasticsearch nodes: host:port, comma-separated")
	flag.Parse()
	ctx := context.Background()
	for _, call := range []struct {
		name string
		run  func() error
	}{
		{"mongo", func() error { return mongoV1(ctx, *mongoURI) }},
		{"mongo2", func() error { return mongoV2(ctx, *mongoURI) }},
		{"pgx", func() error { return pgxConn(ctx, *postgresURL) }},
		{"pq", func() error { return pq(ctx, *postgresURL) }},
		{"redigo", func() error { return redigo(*redisAddr) }},
		{"rueidis", func() error { return rueidisCall(ctx, *redisAddr) }},
		{"elasticsearch", func() error { return elastic(*elasticAddr) }},
	} {
		if err := traced(call.name, call.run); err != nil {
			log.Fatalf("%s: %v", call.name, err)
		}
		fmt.Println("ok", call.name)
	}
}

//skywago:span
func traced(name string, run func() error) error { return run() }

func mongoV1(ctx context.Context, uri string) error {
	client, err := mongo1.Connect(ctx, options1.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	_, err = client.Database("skywago").Collection("old_v1").InsertOne(ctx, bson1.D{{Key: "n", Value: 1}})
	return err
}

func mongoV2(ctx context.Context, uri string) error {
	client, err := mongo2.Connect(options2.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	_, err = client.Database("skywago").Collection("old_v2").InsertOne(ctx, bson2.D{{Key: "n", Value: 1}})
	return err
}

func pgxConn(ctx context.Context, url string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "SELECT 1")
	return err
}

func pq(ctx context.Context, url string) error {
	db, err := sql.Open("postgres", url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "SELECT 1")
	return err
}

func redigo(addr string) error {
	conn, err := redis.Dial("tcp", addr)
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.Do("INCR", "old:redigo")
	return err
}

func rueidisCall(ctx context.Context, addr string) error {
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, DisableCache: true})
	if err != nil {
		return err
	}
	defer client.Close()
	return client.Do(ctx, client.B().Incr().Key("old:rueidis").Build()).Error()
}

// addrs: host:port of each node, comma-separated (as examples/datastores takes them).
func elastic(addrs string) error {
	var nodes []string
	for _, addr := range strings.Split(addrs, ",") {
		nodes = append(nodes, "http://"+addr)
	}
	client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: nodes})
	if err != nil {
		return err
	}
	res, err := client.Index("old", strings.NewReader(`{"n": 1}`))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.IsError() {
		return fmt.Errorf("%s", res.String())
	}
	return nil
}
