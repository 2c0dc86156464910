/*
Copyright 2020 The Flux authors

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// goship: replaces pkg/metrics/providers/factory.go of github.com/fluxcd/flagger (see
// scripts/cluster/build-addons.sh build_flagger). The build deletes the four providers that link a cloud SDK
// (cloudwatch: aws-sdk-go, stackdriver: Google Cloud Monitoring and gRPC, influxdb, splunk: SignalFx), about 300 of
// the binary's 1,000 non-standard packages; goship's gates query Prometheus. Those types now fail with a message
// instead of building a client; the rest is upstream's switch, unchanged.

package providers

import (
	"fmt"

	flaggerv1 "github.com/fluxcd/flagger/pkg/apis/flagger/v1beta1"
	rest "k8s.io/client-go/rest"
)

type Factory struct{}

func (factory Factory) Provider(metricInterval string, provider flaggerv1.MetricTemplateProvider, credentials map[string][]byte, config *rest.Config) (Interface, error) {
	switch provider.Type {
	case "prometheus":
		return NewPrometheusProvider(provider, credentials)
	case "datadog":
		return NewDatadogProvider(metricInterval, provider, credentials)
	case "cloudwatch", "stackdriver", "influxdb", "splunk":
		return nil, fmt.Errorf("metric provider %s is not in this Flagger (goship's trimmed build, without the providers that need a cloud SDK: cloudwatch, influxdb, splunk, stackdriver)", provider.Type)
	case "newrelic":
		return NewNewRelicProvider(metricInterval, provider, credentials)
	case "graphite":
		return NewGraphiteProvider(provider, credentials)
	case "dynatrace":
		return NewDynatraceProvider(metricInterval, provider, credentials)
	case "keptn":
		return NewKeptnProvider(config)
	default:
		return NewPrometheusProvider(provider, credentials)
	}
}
