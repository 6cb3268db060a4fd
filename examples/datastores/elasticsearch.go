package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/elastic/go-elasticsearch/v8"
	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// go-elasticsearch v8: index an order (visible to search at once), search for its item.
type elasticStore struct{ client *elasticsearch.Client }

// addrs: host:port of each node, comma-separated.
func openElasticsearch(addrs string) *elasticStore {
	var nodes []string
	for _, addr := range strings.Split(addrs, ",") {
		nodes = append(nodes, "http://"+addr)
	}
	client, err := elasticsearch.NewClient(elasticsearch.Config{Addresses: nodes})
	must(err)
	return &elasticStore{client}
}

func (s *elasticStore) serve(ctx context.Context, item string) (string, error) {
	es := s.client
	res, err := es.Index("orders", strings.NewReader(fmt.Sprintf(`{"item": %q, "qty": 1}`, item)),
		es.Index.WithContext(ctx), es.Index.WithRefresh("true"))
	if err = answered(res, err); err != nil {
		return "", err
	}
	res, err = es.Search(es.Search.WithContext(ctx), es.Search.WithIndex("orders"),
		es.Search.WithBody(strings.NewReader(fmt.Sprintf(`{"query": {"term": {"item.keyword": %q}}}`, item))))
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var found struct {
		Hits struct {
			Total struct {
				Value int `json:"value"`
			} `json:"total"`
		} `json:"hits"`
	}
	if err := json.NewDecoder(res.Body).Decode(&found); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s=%d", item, found.Hits.Total.Value), nil
}

func (s *elasticStore) broken(ctx context.Context) error {
	es := s.client
	return answered(es.Search(es.Search.WithContext(ctx), es.Search.WithIndex("no_such_index")))
}

// answered turns an error status into an error, and closes the body.
func answered(res *esapi.Response, err error) error {
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.IsError() {
		return fmt.Errorf("elasticsearch: %s", res.String())
	}
	return nil
}
