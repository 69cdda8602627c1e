-- nn.ReLU(ip): y = max(0, x), elementwise; a Threshold at 0 with value 0, as in Torch7.
require 'nn.Threshold'
local ReLU, parent = torch.class('nn.ReLU', 'nn.Threshold')

function ReLU:__init(ip)
   parent.__init(self, 0, 0, ip)
end

ReLU._kind = 'ReLU'

return ReLU
