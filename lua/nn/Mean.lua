-- nn.Mean([dimension = 1 [, nInputDims]]): the mean of input over dimension (nn.Sum with
-- sizeAverage).
local nn = require 'nn'
require 'nn.Sum'

local Mean, parent = torch.class('nn.Mean', 'nn.Sum')

function Mean:__init(dimension, nInputDims)
   parent.__init(self, dimension, nInputDims, true)
end

return Mean
