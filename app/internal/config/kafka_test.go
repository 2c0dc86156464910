package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadKafka(t *testing.T) {
	cfg, err := Load(env(map[string]string{
		"KAFKA_BROKERS": " 10.244.0.1:9092, kafka-1.example.com:9093,", "KAFKA_TOPIC": "orders.v2",
		"KAFKA_SASL_MECHANISM": "scram-sha-512", "KAFKA_USERNAME": "goship", "KAFKA_PASSWORD": "p@ss w0rd",
		"KAFKA_TLS": "TRUE", "KAFKA_CONSUMER_GROUP": "orders-worker", "WORKER_DRAIN_TIMEOUT": "40s",
	}))
	want := Kafka{
		Brokers: []string{"10.244.0.1:9092", "kafka-1.example.com:9093"}, Topic: "orders.v2",
		SASLMechanism: SASLScramSHA512, Username: "goship", Password: "p@ss w0rd", TLS: true, ConsumerGroup: "orders-worker",
	}
	if err != nil || !reflect.DeepEqual(cfg.Kafka, want) || cfg.WorkerDrainTimeout != 40*time.Second {
		t.Errorf("Load = %+v, %v, %v; want %+v, 40s", cfg.Kafka, cfg.WorkerDrainTimeout, err, want)
	}
	if !cfg.Kafka.Enabled() {
		t.Error("Enabled() is false with brokers")
	}
	if cfg, err := Load(env(nil)); err != nil || cfg.Kafka.Enabled() {
		t.Errorf("without KAFKA_BROKERS: %+v, %v; want orders off", cfg.Kafka, err)
	}
}

// A mechanism needs both credentials, and credentials need a mechanism
// (else the client would connect without SASL and fail with a less clear error).
func TestLoadKafkaSASLComesAsASet(t *testing.T) {
	needCredentials := "invalid configuration: KAFKA_USERNAME and KAFKA_PASSWORD: both required when KAFKA_SASL_MECHANISM is set"
	needMechanism := "invalid configuration: KAFKA_SASL_MECHANISM: required when KAFKA_USERNAME or KAFKA_PASSWORD is set: SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN"
	for _, tt := range []struct {
		vars map[string]string
		want string
	}{
		{map[string]string{"KAFKA_SASL_MECHANISM": "PLAIN"}, needCredentials},
		{map[string]string{"KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_USERNAME": "goship"}, needCredentials},
		{map[string]string{"KAFKA_SASL_MECHANISM": "PLAIN", "KAFKA_PASSWORD": "s3cret"}, needCredentials},
		{map[string]string{"KAFKA_USERNAME": "goship"}, needMechanism},
		{map[string]string{"KAFKA_PASSWORD": "s3cret", "KAFKA_USERNAME": "goship"}, needMechanism},
		{map[string]string{"KAFKA_SASL_MECHANISM": "", "KAFKA_PASSWORD": "s3cret-kafka-pw"}, needMechanism},
	} {
		_, err := Load(env(tt.vars))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Load(%v) = %v\nwant %s", tt.vars, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "s3cret") {
			t.Errorf("Load(%v): the message holds the password: %v", tt.vars, err)
		}
	}
}

// A refused password is named, never echoed.
func TestKafkaPasswordIsNeverEchoed(t *testing.T) {
	_, err := Load(env(map[string]string{
		"KAFKA_SASL_MECHANISM": "SCRAM-SHA-256", "KAFKA_USERNAME": "goship", "KAFKA_PASSWORD": "s3cret-kafka-pw\n",
	}))
	want := `invalid configuration: KAFKA_PASSWORD: expected a value without control characters (such as a trailing newline), got "xxxxx"`
	if err == nil || err.Error() != want {
		t.Errorf("error %v\nwant %s", err, want)
	}
}
