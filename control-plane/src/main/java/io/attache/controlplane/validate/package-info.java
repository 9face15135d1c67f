/**
 * The Envoy API's own constraints ({@code validate.rules}, protoc-gen-validate), checked on what
 * the control plane serves before any client sees it. Pure: protobuf descriptors only.
 */
package io.attache.controlplane.validate;
