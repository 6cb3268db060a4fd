package main

import (
	"context"
	"errors"
	"flag"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

var (
	sqsURL = flag.String("sqs", "", "SQS endpoint URL (e.g. ElasticMQ)")
	s3URL  = flag.String("s3", "", "S3 endpoint URL (e.g. gofakes3)")
)

func init() {
	makers["sqs"] = func(queue string) (client, error) {
		c := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: aws.String(*sqsURL), Credentials: testCredentials})
		out, err := c.CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String(queue)})
		if err != nil {
			return nil, err
		}
		return &sqsClient{c: c, url: aws.ToString(out.QueueUrl)}, nil
	}
	makers["s3"] = func(bucket string) (client, error) {
		c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(*s3URL), Credentials: testCredentials,
			UsePathStyle: true})
		return &s3Client{c: c, bucket: bucket}, nil
	}
}

// A local server's credentials: any will do.
var testCredentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "skywago", SecretAccessKey: "skywago", Source: "mqchain"}, nil
})

type sqsClient struct {
	c   *sqs.Client
	url string
}

func (s *sqsClient) produce(ctx context.Context, value string) error {
	_, err := s.c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(s.url), MessageBody: aws.String(value)})
	return err
}

func (s *sqsClient) consume(ctx context.Context, handle func(string)) error {
	for ctx.Err() == nil {
		out, err := s.c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.url),
			MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			return err
		}
		for _, m := range out.Messages {
			handle(aws.ToString(m.Body))
			if _, err := s.c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(s.url),
				ReceiptHandle: m.ReceiptHandle}); err != nil {
				return err
			}
		}
	}
	return ctx.Err()
}

func (s *sqsClient) close() {}

// S3 has no consumer: the producer stores the value and reads it back.
type s3Client struct {
	c      *s3.Client
	bucket string
}

func (s *s3Client) produce(ctx context.Context, value string) error {
	key := "values/" + value
	if _, err := s.c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key),
		Body: strings.NewReader(value)}); err != nil {
		return err
	}
	out, err := s.c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(key)})
	if err != nil {
		return err
	}
	defer out.Body.Close()
	buf := make([]byte, len(value)+1)
	n, _ := out.Body.Read(buf)
	if string(buf[:n]) != value {
		return errors.New("s3 returned " + string(buf[:n]))
	}
	return nil
}

func (s *s3Client) consume(ctx context.Context, handle func(string)) error { return nil }
func (s *s3Client) close()                                                 {}
