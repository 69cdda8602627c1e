-- graph: Torch7's package of directed graphs (graph.Graph, graph.Node, graph.Edge), which
-- nngraph builds its modules on, and graph.dot to draw a graph with Graphviz.
require 'torch'

graph = graph or {}
local graph = graph
package.loaded.graph = graph

require 'graph.Node'
require 'graph.Edge'
require 'graph.Graph'
require 'graph.dot'

return graph
