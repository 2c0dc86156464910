/*
Copyright 2023 The KEDA Authors

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

// goship: added to pkg/scalers of github.com/kedacore/keda/v2 by scripts/cluster/build-addons.sh build_keda.
// Upstream declares this constant, which the prometheus scaler uses, in azure_queue_scaler.go, a file the trimmed
// build deletes.

package scalers

const externalMetricType = "External"
