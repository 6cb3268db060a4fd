package core

import (
	"time"

	"skywago.dev/agent/internal/grpcclient"
)

// Log records and meters over the SkyWalking reporters (telemetry.go): the gRPC reporter sends
// both on its connection, the HTTP reporter sends log records (the OAP has no HTTP meter receiver).

const (
	logCollectMethod   = "/skywalking.v3.LogReportService/collect"
	meterCollectMethod = "/skywalking.v3.MeterReportService/collectBatch"
	logsPath           = "/v3/logs"
)

// exportLogs sends the batch as one client stream of LogData.
func (e *grpcExporter) exportLogs(batch []*logRecord, deadline time.Time) error {
	var body []byte
	for _, r := range batch {
		body = grpcclient.AppendMessage(body, func(b []byte) []byte { return appendLogProto(b, r) })
	}
	_, err := e.client.Invoke(logCollectMethod, body, deadline)
	return grpcError(err)
}

// exportMeters sends the collections as one client stream of MeterDataCollection.
func (e *grpcExporter) exportMeters(batch [][]byte, deadline time.Time) error {
	var body []byte
	for _, collection := range batch {
		body = grpcclient.AppendMessage(body, func(b []byte) []byte { return append(b, collection...) })
	}
	_, err := e.client.Invoke(meterCollectMethod, body, deadline)
	return grpcError(err)
}

// exportLogs POSTs the batch as a JSON array of LogData.
func (h *httpExporter) exportLogs(batch []*logRecord, deadline time.Time) error {
	body := []byte{'['}
	for i, r := range batch {
		if i > 0 {
			body = append(body, ',')
		}
		body = appendLogJSON(body, r)
	}
	body = append(body, ']')
	req := httpRequest{address: h.address, path: logsPath, contentType: jsonContentType, body: body}
	_, err := req.post(deadline)
	return err
}
