package main

import (
	"context"
	"fmt"

	bson1 "go.mongodb.org/mongo-driver/bson"
	mongodriver1 "go.mongodb.org/mongo-driver/mongo"
	options1 "go.mongodb.org/mongo-driver/mongo/options"
	bson2 "go.mongodb.org/mongo-driver/v2/bson"
	mongodriver2 "go.mongodb.org/mongo-driver/v2/mongo"
	options2 "go.mongodb.org/mongo-driver/v2/mongo/options"
)

const mongoDatabase = "skywago"

// mongo-go-driver v1: insert an order, find it, count the item's orders.
type mongoV1 struct{ orders *mongodriver1.Collection }

func openMongoV1(ctx context.Context, uri string) *mongoV1 {
	client, err := mongodriver1.Connect(ctx, options1.Client().ApplyURI(uri))
	must(err)
	return &mongoV1{client.Database(mongoDatabase).Collection("orders_v1")}
}

func (s *mongoV1) serve(ctx context.Context, item string) (string, error) {
	if _, err := s.orders.InsertOne(ctx, bson1.D{{Key: "item", Value: item}, {Key: "qty", Value: 1}}); err != nil {
		return "", err
	}
	var found bson1.M
	if err := s.orders.FindOne(ctx, bson1.D{{Key: "item", Value: item}}).Decode(&found); err != nil {
		return "", err
	}
	n, err := s.orders.CountDocuments(ctx, bson1.D{{Key: "item", Value: item}})
	return fmt.Sprintf("%s=%d", item, n), err
}

func (s *mongoV1) broken(ctx context.Context) error {
	return s.orders.Database().RunCommand(ctx, bson1.D{{Key: "noSuchCommand", Value: 1}}).Err()
}

// mongo-go-driver v2: the same.
type mongoV2 struct{ orders *mongodriver2.Collection }

func openMongoV2(uri string) *mongoV2 {
	client, err := mongodriver2.Connect(options2.Client().ApplyURI(uri))
	must(err)
	return &mongoV2{client.Database(mongoDatabase).Collection("orders_v2")}
}

func (s *mongoV2) serve(ctx context.Context, item string) (string, error) {
	if _, err := s.orders.InsertOne(ctx, bson2.D{{Key: "item", Value: item}, {Key: "qty", Value: 1}}); err != nil {
		return "", err
	}
	var found bson2.M
	if err := s.orders.FindOne(ctx, bson2.D{{Key: "item", Value: item}}).Decode(&found); err != nil {
		return "", err
	}
	n, err := s.orders.CountDocuments(ctx, bson2.D{{Key: "item", Value: item}})
	return fmt.Sprintf("%s=%d", item, n), err
}

func (s *mongoV2) broken(ctx context.Context) error {
	return s.orders.Database().RunCommand(ctx, bson2.D{{Key: "noSuchCommand", Value: 1}}).Err()
}
