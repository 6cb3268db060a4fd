package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// --- gqlgen: both services are GraphQL servers at POST /graphql. The frontend's order(id) asks
// the backend's price(id) with a GraphQL request (query ItemPrice). The schemas are executed by a
// small hand-written graphql.ExecutableSchema rather than gqlgen's generated code: generated code
// belongs to the gqlgen release that generated it (it does not compile against the runtime of
// another), and this example is built at several. Every operation still goes through gqlgen's
// handler, transports and executor.

const shopSchema = `
type Query { order(id: Int!): Order }
type Mutation { checkout(id: Int!): Int }
type Order { id: Int! price: Int! }
`

const itemsSchema = `type Query { price(id: Int!): Int }`

func serveGQLGen(listen, backend string) error {
	mux := http.NewServeMux()
	var es *gqlSchema
	if backend == "" {
		es = newGQLSchema(itemsSchema, map[string]gqlResolver{
			"Query.price": func(ctx context.Context, args map[string]any) (any, error) {
				status, body := price(fmt.Sprint(args["id"]))
				if status != http.StatusOK {
					return nil, fmt.Errorf("%s", body)
				}
				return strconv.Atoi(body)
			},
		})
	} else {
		get := graphQLGet(backend)
		priced := func(args map[string]any) (int, error) { return fetchPrice(backend, fmt.Sprint(args["id"]), get) }
		es = newGQLSchema(shopSchema, map[string]gqlResolver{
			"Query.order": func(ctx context.Context, args map[string]any) (any, error) {
				n, err := priced(args)
				if err != nil {
					return nil, err
				}
				return map[string]any{"id": args["id"], "price": n}, nil
			},
			"Mutation.checkout": func(ctx context.Context, args map[string]any) (any, error) {
				return nil, errOutOfStock
			},
		})
	}
	srv := handler.New(es)
	srv.AddTransport(transport.POST{})
	mux.Handle("/graphql", srv)
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) { write(w, 200, "bye\n"); quit() })
	return http.ListenAndServe(listen, mux)
}

// graphQLGet asks the backend's GraphQL server for an item's price (the URL fetchPrice builds
// names the item).
func graphQLGet(backend string) func(url string) (int, string, error) {
	return func(url string) (int, string, error) {
		id := strings.TrimSuffix(strings.TrimPrefix(url, backend+"/items/"), "/price")
		request, _ := json.Marshal(map[string]any{
			"operationName": "ItemPrice",
			"query":         "query ItemPrice($id: Int!) { price(id: $id) }",
			"variables":     map[string]any{"id": json.Number(id)},
		})
		resp, err := http.Post(backend+"/graphql", "application/json", strings.NewReader(string(request)))
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		var answer struct {
			Data   struct{ Price *int } `json:"data"`
			Errors []struct{ Message string }
		}
		if err := json.NewDecoder(resp.Body).Decode(&answer); err != nil {
			return 0, "", err
		}
		if len(answer.Errors) > 0 || answer.Data.Price == nil {
			return http.StatusNotFound, fmt.Sprint(answer.Errors), nil
		}
		return http.StatusOK, strconv.Itoa(*answer.Data.Price), nil
	}
}

type gqlResolver func(ctx context.Context, args map[string]any) (any, error)

// gqlSchema executes an operation's root fields with resolvers ("Query.order") whose objects are
// maps; the fields selected of them are kept.
type gqlSchema struct {
	// Complexity is not used (no complexity limit is set): left to this nil interface, as its
	// signature differs between gqlgen releases.
	graphql.ExecutableSchema
	schema    *ast.Schema
	resolvers map[string]gqlResolver
}

func newGQLSchema(sdl string, resolvers map[string]gqlResolver) *gqlSchema {
	return &gqlSchema{schema: gqlparser.MustLoadSchema(&ast.Source{Input: sdl}), resolvers: resolvers}
}

func (s *gqlSchema) Schema() *ast.Schema { return s.schema }

// Exec returns the operation's response handler; like generated code, it executes the operation
// when first called.
func (s *gqlSchema) Exec(ctx context.Context) graphql.ResponseHandler {
	done := false
	return func(ctx context.Context) *graphql.Response {
		if done {
			return nil
		}
		done = true
		op := graphql.GetOperationContext(ctx)
		root := "Query"
		if op.Operation.Operation == ast.Mutation {
			root = "Mutation"
		}
		data := map[string]any{}
		var errs gqlerror.List
		for _, field := range graphql.CollectFields(op, op.Operation.SelectionSet, []string{root}) {
			data[field.Alias] = nil
			resolve := s.resolvers[root+"."+field.Name]
			if resolve == nil {
				errs = append(errs, gqlerror.Errorf("%s.%s is not implemented", root, field.Name))
				continue
			}
			value, err := resolve(ctx, field.ArgumentMap(op.Variables))
			if err != nil {
				errs = append(errs, &gqlerror.Error{Message: err.Error(), Path: ast.Path{ast.PathName(field.Alias)}})
				continue
			}
			if object, ok := value.(map[string]any); ok {
				selected := map[string]any{}
				for _, sub := range graphql.CollectFields(op, field.Selections, nil) {
					selected[sub.Alias] = object[sub.Name]
				}
				value = selected
			}
			data[field.Alias] = value
		}
		raw, _ := json.Marshal(data)
		return &graphql.Response{Data: raw, Errors: errs}
	}
}
