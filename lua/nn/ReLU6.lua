-- nn.ReLU6(ip): y = min(max(0, x), 6), elementwise; a HardTanh from 0 to 6.
require 'nn.HardTanh'
local ReLU6, parent = torch.class('nn.ReLU6', 'nn.HardTanh')

function ReLU6:__init(ip)
   parent.__init(self, 0, 6, ip)
end

ReLU6._kind = 'ReLU6'

return ReLU6
