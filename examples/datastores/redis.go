package main

import (
	"context"
	"fmt"
	"time"

	redisv8 "github.com/go-redis/redis/v8"
	"github.com/gomodule/redigo/redis"
	"github.com/redis/rueidis"
)

// go-redis v8: INCR, SET, GET, then a pipeline.
type goRedisV8 struct{ client *redisv8.Client }

func openRedisV8(addr string) *goRedisV8 {
	return &goRedisV8{redisv8.NewClient(&redisv8.Options{Addr: addr})}
}

func (s *goRedisV8) serve(ctx context.Context, user string) (string, error) {
	n, err := s.client.Incr(ctx, "v8:visits:"+user).Result()
	if err == nil {
		err = s.client.Set(ctx, "v8:last:"+user, "now", time.Hour).Err()
	}
	if err == nil {
		err = s.client.Get(ctx, "v8:last:"+user).Err()
	}
	if err == nil {
		_, err = s.client.Pipelined(ctx, func(pipe redisv8.Pipeliner) error {
			pipe.RPush(ctx, "v8:cart:"+user, "tea")
			pipe.Expire(ctx, "v8:cart:"+user, time.Hour)
			return nil
		})
	}
	return fmt.Sprintf("visits=%d", n), err
}

func (s *goRedisV8) broken(ctx context.Context) error {
	s.client.RPush(ctx, "v8:a-list", "x")
	return s.client.Incr(ctx, "v8:a-list").Err()
}

// redigo: a pool's connection; INCR, SET, GET (with a context), then MULTI ... EXEC.
type redigoStore struct{ pool *redis.Pool }

func openRedigo(addr string) *redigoStore {
	return &redigoStore{&redis.Pool{MaxIdle: 2, Dial: func() (redis.Conn, error) { return redis.Dial("tcp", addr) }}}
}

func (s *redigoStore) serve(ctx context.Context, user string) (string, error) {
	conn := s.pool.Get()
	defer conn.Close()
	n, err := redis.Int(conn.Do("INCR", "redigo:visits:"+user))
	if err == nil {
		_, err = conn.Do("SET", "redigo:last:"+user, "now")
	}
	if err == nil {
		_, err = redis.String(redis.DoContext(conn, ctx, "GET", "redigo:last:"+user))
	}
	if err == nil {
		conn.Send("MULTI")
		conn.Send("RPUSH", "redigo:cart:"+user, "tea")
		conn.Send("EXPIRE", "redigo:cart:"+user, 3600)
		_, err = conn.Do("EXEC")
	}
	return fmt.Sprintf("visits=%d", n), err
}

func (s *redigoStore) broken(ctx context.Context) error {
	conn := s.pool.Get()
	defer conn.Close()
	conn.Do("RPUSH", "redigo:a-list", "x")
	_, err := conn.Do("INCR", "redigo:a-list")
	return err
}

// rueidis: INCR, SET, GET, then DoMulti.
type rueidisStore struct{ client rueidis.Client }

func openRueidis(addr string) *rueidisStore {
	client, err := rueidis.NewClient(rueidis.ClientOption{InitAddress: []string{addr}, DisableCache: true})
	must(err)
	return &rueidisStore{client}
}

func (s *rueidisStore) serve(ctx context.Context, user string) (string, error) {
	c := s.client
	n, err := c.Do(ctx, c.B().Incr().Key("rueidis:visits:"+user).Build()).AsInt64()
	if err == nil {
		err = c.Do(ctx, c.B().Set().Key("rueidis:last:"+user).Value("now").Build()).Error()
	}
	if err == nil {
		err = c.Do(ctx, c.B().Get().Key("rueidis:last:"+user).Build()).Error()
	}
	if err == nil {
		for _, r := range c.DoMulti(ctx,
			c.B().Rpush().Key("rueidis:cart:"+user).Element("tea").Build(),
			c.B().Expire().Key("rueidis:cart:"+user).Seconds(3600).Build()) {
			if err == nil {
				err = r.Error()
			}
		}
	}
	return fmt.Sprintf("visits=%d", n), err
}

func (s *rueidisStore) broken(ctx context.Context) error {
	c := s.client
	c.Do(ctx, c.B().Rpush().Key("rueidis:a-list").Element("x").Build())
	return c.Do(ctx, c.B().Incr().Key("rueidis:a-list").Build()).Error()
}
